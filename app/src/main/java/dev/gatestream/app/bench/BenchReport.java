package dev.gatestream.app.bench;

import java.io.PrintWriter;
import java.util.List;
import org.HdrHistogram.Histogram;

/** What the bench measured, for the terminal and as JSON. */
public record BenchReport(int partitions, int experts, int expertsPerRequest, int burstRequests,
    int steadyRatePerSecond, int steadySeconds, List<SystemResult> systems, double throughputRatio) {

  /** One system's figures: throughput of a burst and latency percentiles at a steady rate (ms). */
  public record SystemResult(String system, double throughputPerSecond, double burstSeconds, int steadySent,
      double steadyAchievedPerSecond, long p50Ms, long p90Ms, long p99Ms, long p999Ms, long maxMs) {

    static SystemResult of(String system, int burst, double burstSeconds, int steadySent, double steadySeconds,
        Histogram latencies) {
      return new SystemResult(system, burst / burstSeconds, burstSeconds, steadySent, steadySent / steadySeconds,
          latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(90),
          latencies.getValueAtPercentile(99), latencies.getValueAtPercentile(99.9), latencies.getMaxValue());
    }
  }

  public void print(PrintWriter out) {
    out.printf("%n%d partitions, %d replay experts, %d per request; burst of %d requests, then %d req/s for %d s%n",
        partitions, experts, expertsPerRequest, burstRequests, steadyRatePerSecond, steadySeconds);
    out.printf("%-14s %14s %12s %8s %8s %8s %8s %8s%n", "system", "throughput/s", "steady/s", "p50 ms",
        "p90 ms", "p99 ms", "p99.9 ms", "max ms");
    for (SystemResult system : systems) {
      out.printf("%-14s %14.0f %12.0f %8d %8d %8d %8d %8d%n", system.system(), system.throughputPerSecond(),
          system.steadyAchievedPerSecond(), system.p50Ms(), system.p90Ms(), system.p99Ms(), system.p999Ms(),
          system.maxMs());
    }
    out.printf("pipeline throughput = %.0f%% of the pass-through chain's (same hops, serdes, partitions)%n",
        throughputRatio * 100);
    out.flush();
  }
}
