package dev.gatestream.cli.bench;

import dev.gatestream.app.bench.BenchReport;
import java.io.PrintWriter;

/** The bench report as a terminal table. */
public final class BenchTable {

  private BenchTable() {}

  public static void print(BenchReport report, PrintWriter out) {
    out.printf(
        "%n%d partitions, %d replay experts, %d per request; burst of %d requests, then %d req/s for %d s%n",
        report.partitions(),
        report.experts(),
        report.expertsPerRequest(),
        report.burstRequests(),
        report.steadyRatePerSecond(),
        report.steadySeconds());
    out.printf(
        "%-14s %14s %12s %8s %8s %8s %8s %8s%n",
        "system", "throughput/s", "steady/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms");
    for (BenchReport.SystemResult system : report.systems()) {
      out.printf(
          "%-14s %14.0f %12.0f %8d %8d %8d %8d %8d%n",
          system.system(),
          system.throughputPerSecond(),
          system.steadyAchievedPerSecond(),
          system.p50Ms(),
          system.p90Ms(),
          system.p99Ms(),
          system.p999Ms(),
          system.maxMs());
    }
    out.printf(
        "pipeline throughput = %.0f%% of the pass-through chain's (same hops, serdes, partitions)%n",
        report.throughputRatio() * 100);
    out.flush();
  }
}
