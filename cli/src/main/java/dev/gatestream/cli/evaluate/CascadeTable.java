package dev.gatestream.cli.evaluate;

import dev.gatestream.app.evaluate.EvaluateReport;
import dev.gatestream.policy.cascade.CascadeEvaluation;
import java.io.PrintWriter;
import java.util.Locale;

/** A logged cascade's section of the evaluation report: its thresholds judged off-policy. */
final class CascadeTable {

  private CascadeTable() {}

  static void print(EvaluateReport.Cascades cascades, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%ncascade %s, threshold %s, exploration %s: %,d decisions, %,d with their escalation"
            + " decisions%n",
        cascades.logged().order(),
        cascades.logged().threshold(),
        cascades.logged().exploration(),
        cascades.decisions(),
        cascades.withEscalations());
    if (cascades.withEscalations() < cascades.decisions()) {
      out.println(
          "warning: the fused results of "
              + (cascades.decisions() - cascades.withEscalations())
              + " cascade decisions were not found; they are not judged");
    }
    out.printf(
        Locale.ROOT,
        "%-18s %9s %8s %8s %11s %10s %7s%n",
        "threshold",
        "supported",
        "reward",
        "quality",
        "cost, USD",
        "escalates",
        "ESS");
    row(out, "as logged", cascades.loggedEstimate());
    for (CascadeEvaluation.Estimate estimate : cascades.thresholds()) {
      row(out, Double.toString(estimate.threshold()), estimate);
    }
    if (cascades.logged().exploration() == 0) {
      out.println(
          "(logged without exploration: a threshold is judged on the requests where it agrees"
              + " with the logged one; set router.cascade.exploration > 0 to judge them all)");
    }
  }

  private static void row(PrintWriter out, String name, CascadeEvaluation.Estimate estimate) {
    out.printf(
        Locale.ROOT,
        "%-18s %9d %8.4f %8.4f %11.6f %9.1f%% %7.0f%n",
        name,
        estimate.supported(),
        estimate.value(),
        estimate.quality(),
        estimate.cost(),
        100 * estimate.escalationRate(),
        estimate.effectiveSampleSize());
  }
}
