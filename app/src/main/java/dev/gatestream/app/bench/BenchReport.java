package dev.gatestream.app.bench;

import java.util.List;
import org.HdrHistogram.Histogram;

/** What the bench measured. */
public record BenchReport(
    int partitions,
    int experts,
    int expertsPerRequest,
    int burstRequests,
    int steadyRatePerSecond,
    int steadySeconds,
    List<SystemResult> systems,
    double throughputRatio) {

  /** One system's figures: throughput of a burst and latency percentiles at a steady rate (ms). */
  public record SystemResult(
      String system,
      double throughputPerSecond,
      double burstSeconds,
      int steadySent,
      double steadyAchievedPerSecond,
      long p50Ms,
      long p90Ms,
      long p99Ms,
      long p999Ms,
      long maxMs) {

    static SystemResult of(
        String system,
        int burst,
        double burstSeconds,
        int steadySent,
        double steadySeconds,
        Histogram latencies) {
      return new SystemResult(
          system,
          burst / burstSeconds,
          burstSeconds,
          steadySent,
          steadySent / steadySeconds,
          latencies.getValueAtPercentile(50),
          latencies.getValueAtPercentile(90),
          latencies.getValueAtPercentile(99),
          latencies.getValueAtPercentile(99.9),
          latencies.getMaxValue());
    }
  }
}
