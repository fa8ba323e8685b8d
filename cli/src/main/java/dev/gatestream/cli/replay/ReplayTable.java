package dev.gatestream.cli.replay;

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
    out.printf("%n== %s: %d requests%n", segment.name(), segment.requests());
    out.printf("%-52s %8s %12s %8s%n", "policy", "quality", "cost/request", "share");
    out.printf("%-52s %8.3f %12.6f%n", "gatestream (routed, learning online)", segment.quality(), segment.cost());
    segment.singleExperts().forEach((expert, baseline) -> out.printf("%-52s %8.3f %12.6f %7.1f%%%n",
        "always " + expert, baseline.quality(), baseline.cost(), 100 * segment.share().getOrDefault(expert, 0.0)));
    out.printf("%-52s %8.3f %12.6f%n", "uniform random", segment.uniformRandom().quality(),
        segment.uniformRandom().cost());
    out.printf("%-52s %8.3f %12.6f%n", "oracle (best expert per request)", segment.oracle().quality(),
        segment.oracle().cost());
    double uniform = segment.uniformRandom().quality();
    ReplayReport.Baseline best = segment.bestSingleExpert();
    out.printf("routed - best single expert: %+.3f quality at %s its cost; share of the oracle's gain over"
            + " uniform captured: %.0f%%%n", segment.quality() - best.quality(), costRatio(segment.cost(), best.cost()),
        100 * (segment.quality() - uniform) / (segment.oracle().quality() - uniform));
    out.println("per bucket: " + String.join(" ", segment.buckets().stream()
        .map(b -> String.format("%.3f", b.quality())).toList()));
  }

  private static String costRatio(double cost, double reference) {
    return reference == 0 ? (cost == 0 ? "1.00x" : "n/a (free best expert)") : String.format("%.2fx", cost / reference);
  }

  private static void printFrontier(CostQualityFrontier frontier, PrintWriter out) {
    out.printf("%n== %s: cost-quality frontier (* = efficient: nothing else is better for less)%n",
        frontier.segment());
    out.printf("%-54s %8s %12s%n", "policy", "quality", "cost/request");
    for (CostQualityFrontier.Point point : frontier.points()) {
      out.printf("%s %-52s %8.3f %12.6f%n", frontier.efficient(point) ? "*" : " ",
          point.routed() ? "routed, " + point.label() : point.label(), point.quality(), point.cost());
    }
  }
}
