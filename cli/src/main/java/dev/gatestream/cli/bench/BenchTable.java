package dev.gatestream.cli.bench;

import dev.gatestream.app.bench.BenchReport;
import java.io.PrintWriter;
import java.util.Map;
import java.util.stream.Collectors;

/** The bench report as a terminal table, one per profile. */
public final class BenchTable {

  private BenchTable() {}

  public static void print(BenchReport report, PrintWriter out) {
    out.printf(
        "%n%s: %d partitions, %d replay experts, %d per request; burst of %d requests, then %d req/s"
            + " for %d s%n",
        report.profile(),
        report.partitions(),
        report.experts(),
        report.expertsPerRequest(),
        report.burstRequests(),
        report.steadyRatePerSecond(),
        report.steadySeconds());
    out.printf(
        "%-12s %12s %10s %8s %8s %8s %8s %8s  %s%n",
        "chain",
        "burst/s",
        "steady/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms",
        "records per request");
    for (BenchReport.ChainResult chain : report.chains()) {
      BenchReport.Percentiles latency = chain.latency();
      out.printf(
          "%-12s %12.0f %10.0f %8d %8d %8d %8d %8d  %s%n",
          chain.chain(),
          chain.burstPerSecond(),
          chain.steadyAchievedPerSecond(),
          latency.p50Ms(),
          latency.p90Ms(),
          latency.p99Ms(),
          latency.p999Ms(),
          latency.maxMs(),
          records(chain.recordsPerRequest()));
    }
    double ratio = report.ratio();
    if (!Double.isNaN(ratio)) {
      out.printf(
          "ratio pipeline/raw = %.3f (burst throughput against the byte-array Streams chain of the"
              + " same hops; read it with the records per request beside it)%n",
          ratio);
    }
    out.flush();
  }

  private static String records(Map<String, Double> perRequest) {
    return perRequest.entrySet().stream()
        .map(entry -> String.format("%s %.2f", entry.getKey(), entry.getValue()))
        .collect(Collectors.joining(", "));
  }
}
