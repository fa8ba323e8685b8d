package dev.gatestream.cli.evaluate;

import dev.gatestream.app.evaluate.EvaluateReport;
import dev.gatestream.policy.evaluation.Estimand;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.policy.evaluation.Evaluation;
import java.io.PrintWriter;
import java.util.Locale;

/** The evaluation report as a terminal table: every estimator's estimate with its interval. */
public final class EvaluateTable {

  private EvaluateTable() {}

  public static void print(EvaluateReport report, PrintWriter out) {
    Evaluation evaluation = report.evaluation();
    out.println();
    out.println("candidate: " + report.candidate());
    out.printf(
        Locale.ROOT,
        "estimand:  %s; %,d decisions, %,d used, %,d skipped (a chosen expert's reward unknown)%n",
        evaluation.estimand() == Estimand.TOTAL_REWARD
            ? "total reward of the selected experts per request"
            : "mean reward per selected expert",
        evaluation.decisions(),
        evaluation.used(),
        evaluation.decisions() - evaluation.used());
    String level = String.format(Locale.ROOT, "%s%% interval", trim(100 * report.confidence()));
    out.printf(Locale.ROOT, "%n%-30s %8s   %-20s %9s%n", "estimator", "value", level, "std error");
    row(out, "IPS", evaluation.ips());
    row(out, "self-normalized IPS", evaluation.selfNormalizedIps());
    row(out, "doubly robust", evaluation.doublyRobust());
    row(out, "logging policy (on-policy)", evaluation.loggingPolicy());
    out.printf(
        Locale.ROOT,
        "%nreward = quality - %s x cost (router.gate.lambda); by part:%n",
        trim(evaluation.lambda()));
    parts(out, "quality", evaluation.quality());
    parts(out, "cost, USD", evaluation.cost());
    out.printf(
        Locale.ROOT,
        "%neffective sample size %,.0f of %,d (%.0f%%), max importance weight %.3g,"
            + " unsupported share %.2g%%%n",
        evaluation.effectiveSampleSize(),
        evaluation.used(),
        100 * evaluation.effectiveSampleSize() / evaluation.used(),
        evaluation.maxWeight(),
        100 * evaluation.unsupportedShare());
    evaluation.warnings().forEach(warning -> out.println("warning: " + warning));
    if (report.cascades() != null) {
      CascadeTable.print(report.cascades(), out);
    }
    out.printf(Locale.ROOT, "(%.1f s)%n", report.seconds());
    out.flush();
  }

  private static void parts(PrintWriter out, String part, Evaluation.Estimates estimates) {
    row(out, part + ", doubly robust", estimates.doublyRobust());
    row(out, part + ", logging policy", estimates.loggingPolicy());
  }

  private static void row(PrintWriter out, String name, Estimate estimate) {
    out.printf(
        Locale.ROOT,
        "%-30s %8.4f   [%.4f, %.4f]     %9.4f%n",
        name,
        estimate.value(),
        estimate.lower(),
        estimate.upper(),
        estimate.standardError());
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
