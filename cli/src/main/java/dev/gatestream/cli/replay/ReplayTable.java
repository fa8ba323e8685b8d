package dev.gatestream.cli.replay;

import dev.gatestream.app.replay.CostQualityFrontier;
import dev.gatestream.app.replay.ReplayReport;
import java.io.PrintWriter;

/** The replay report as terminal tables. */
public final class ReplayTable {

  private ReplayTable() {}

  public static void print(ReplayReport report, PrintWriter out) {
    if (report.sweep().isEmpty()) {
      report.segments().forEach(segment -> printSegment(segment, out));
    } else {
      CostQualityFrontier.of(report.sweep()).forEach(frontier -> printFrontier(frontier, out));
    }
    out.flush();
  }

  private static void printSegment(ReplayReport.Segment segment, PrintWriter out) {
    ReplayReport.Baselines baselines = segment.baselines();
    out.printf(
        "%n== %s: %d requests%s%n",
        segment.name(),
        segment.requests(),
        segment.rated() == segment.requests()
            ? ""
            : String.format(
                ", quality known for %d (from the recorded feedback)", segment.rated()));
    if (segment.duplicatesSkipped() > 0) {
      out.printf(
          "%d duplicate ids skipped (each id replays its first row)%n",
          segment.duplicatesSkipped());
    }
    out.printf("%-52s %8s %12s %8s%n", "policy", "quality", "cost/request", "share");
    out.printf(
        "%-52s %8.3f %12.6f%n",
        "gatestream (routed, learning online)", segment.quality(), segment.cost());
    baselines
        .singleExperts()
        .forEach(
            (expert, baseline) ->
                out.printf(
                    "%-52s %8.3f %12.6f %7.1f%%%n",
                    "always " + expert,
                    baseline.quality(),
                    baseline.cost(),
                    100 * segment.share().getOrDefault(expert, 0.0)));
    if (baselines.singleExperts().isEmpty()) {
      segment
          .share()
          .forEach(
              (expert, share) ->
                  out.printf(
                      "%-52s %8s %12s %7.1f%%%n", "  routed to " + expert, "", "", 100 * share));
    }
    line(out, "uniform random", baselines.uniformRandom());
    line(out, "oracle (best expert per request)", baselines.oracle());
    line(out, "the recorded deployment (its feedback)", baselines.recorded());
    ReplayReport.Offline offline = baselines.offline();
    if (offline != null) {
      String fit = offline.inSample() ? " (in-sample)" : "";
      line(out, "per-task lookup" + fit, offline.perTaskLookup());
      line(out, "per-task lookup, cost-aware" + fit, offline.perTaskLookupCostAware());
      line(
          out,
          offline.inSample() ? "kNN (full information, in-sample)" : "kNN (full information)",
          offline.knn());
      out.println(
          offline.inSample()
              ? "offline references fitted in-sample on every logged outcome of this log (kNN: each row left out)"
              : "offline references fitted on every logged outcome of " + offline.fittedOn());
    }
    ReplayReport.Baseline best = baselines.bestSingleExpert();
    if (best != null) {
      double uniform = baselines.uniformRandom().quality();
      out.printf(
          "routed - best single expert: %+.3f quality (%s); share of the oracle's gain over"
              + " uniform captured: %.0f%%%n",
          segment.quality() - best.quality(),
          costRatio(segment.cost(), best.cost()),
          100 * (segment.quality() - uniform) / (baselines.oracle().quality() - uniform));
    }
    if (!baselines.singleExperts().isEmpty()) {
      ReplayReport.Dominating dominating = segment.dominatedBy();
      out.println(
          dominating == null
              ? "on the frontier: no single expert is both better and cheaper"
              : String.format(
                  "dominated by %s (quality %.3f at cost %.6f per request)",
                  dominating.expert(), dominating.quality(), dominating.cost()));
    }
    ReplayReport.Spend spend = segment.spend();
    if (spend != null) {
      out.printf(
          "spend %.6f per request against target %.6f (%+.1f%%), second half: %.6f (%+.1f%%)%n",
          spend.cost(),
          spend.target(),
          100 * spend.deviation(),
          spend.secondHalfCost(),
          100 * spend.secondHalfDeviation());
    }
    ReplayReport.Pace pace = segment.pace();
    if (pace != null) {
      out.printf(
          "%.0f requests/s (window up to %d in flight); weights %.0f examples behind the feedback"
              + " on average, at most %d%n",
          pace.requestsPerSecond(),
          pace.largestWindow(),
          pace.meanExamplesBehind(),
          pace.maxExamplesBehind());
    }
    out.println(
        "per bucket: "
            + String.join(
                " ",
                segment.buckets().stream().map(b -> String.format("%.3f", b.quality())).toList()));
  }

  private static void line(PrintWriter out, String policy, ReplayReport.Baseline baseline) {
    if (baseline != null) {
      out.printf(
          "%-52s %8.3f %12s%n",
          policy,
          baseline.quality(),
          Double.isNaN(baseline.cost()) ? "" : String.format("%12.6f", baseline.cost()));
    }
  }

  private static String costRatio(double cost, double reference) {
    if (reference == 0) {
      return cost == 0 ? "no prices set" : "the best expert costs nothing";
    }
    return String.format("at %.2fx its cost", cost / reference);
  }

  private static void printFrontier(CostQualityFrontier frontier, PrintWriter out) {
    out.printf(
        "%n== %s: cost-quality frontier (* = efficient: nothing else is better for less)%n",
        frontier.segment());
    out.printf("%-54s %8s %12s%n", "policy", "quality", "cost/request");
    for (CostQualityFrontier.Point point : frontier.points()) {
      out.printf(
          "%s %-52s %8.3f %12.6f%n",
          frontier.efficient(point) ? "*" : " ",
          point.routed() ? "routed, " + point.label() : point.label(),
          point.quality(),
          point.cost());
    }
  }
}
