package dev.gatestream.app.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What the bench measured under one delivery profile: each chain's figures, from raw Kafka up to
 * the full pipeline, on the same topic layout.
 *
 * @param profile the pipeline profile (delivery guarantee) every chain ran with
 * @param chains in the order measured: kafka, raw, passThrough, pipeline (those that ran)
 */
public record BenchReport(
    String profile,
    int partitions,
    int experts,
    int expertsPerRequest,
    int burstRequests,
    int steadyRatePerSecond,
    int steadySeconds,
    List<ChainResult> chains) {

  public static final String KAFKA = "kafka";
  public static final String RAW = "raw";
  public static final String PASS_THROUGH = "passThrough";
  public static final String PIPELINE = "pipeline";

  public Optional<ChainResult> chain(String name) {
    return chains.stream().filter(chain -> chain.chain().equals(name)).findFirst();
  }

  /** The pipeline's burst throughput over the raw byte-array chain's; NaN if either is missing. */
  public double ratio() {
    return chain(PIPELINE)
        .flatMap(
            pipeline -> chain(RAW).map(raw -> pipeline.burstPerSecond() / raw.burstPerSecond()))
        .orElse(Double.NaN);
  }

  /**
   * One chain's figures: throughput of a burst, latency percentiles at a steady rate (ms), and the
   * records each of its topics took per request of the burst.
   *
   * @param recordsPerRequest by topic role (requests, decisions, tasks, results, fused, changelogs,
   *     ...): end-offset deltas over the burst, transaction markers included
   */
  public record ChainResult(
      String chain,
      double burstPerSecond,
      double burstSeconds,
      int steadySent,
      double steadyAchievedPerSecond,
      Percentiles latency,
      Map<String, Double> recordsPerRequest) {

    static ChainResult of(
        String chain,
        int burst,
        double burstSeconds,
        int steadySent,
        double steadySeconds,
        Histogram latencies,
        Map<String, Double> recordsPerRequest) {
      return new ChainResult(
          chain,
          burst / burstSeconds,
          burstSeconds,
          steadySent,
          steadySent / steadySeconds,
          Percentiles.of(latencies),
          recordsPerRequest);
    }
  }

  /** Latency percentiles in milliseconds. */
  public record Percentiles(long p50Ms, long p90Ms, long p99Ms, long p999Ms, long maxMs) {

    static Percentiles of(Histogram latencies) {
      return new Percentiles(
          latencies.getValueAtPercentile(50),
          latencies.getValueAtPercentile(90),
          latencies.getValueAtPercentile(99),
          latencies.getValueAtPercentile(99.9),
          latencies.getMaxValue());
    }
  }

  /**
   * Records per request by topic role: the delta of each topic's end offsets over {@code requests}
   * requests, task topics summed as "tasks" and internal topics as "changelogs" and "repartitions".
   */
  static Map<String, Double> recordsPerRequest(
      Map<String, Long> before, Map<String, Long> after, int requests) {
    Map<String, Long> byRole = new TreeMap<>();
    after.forEach(
        (topic, end) -> byRole.merge(role(topic), end - before.getOrDefault(topic, 0L), Long::sum));
    Map<String, Double> perRequest = new LinkedHashMap<>();
    byRole.forEach(
        (role, records) -> {
          if (records > 0) {
            perRequest.put(role, (double) records / requests);
          }
        });
    return perRequest;
  }

  private static String role(String topic) {
    if (topic.endsWith("-changelog")) {
      return "changelogs";
    }
    if (topic.endsWith("-repartition")) {
      return "repartitions";
    }
    if (topic.startsWith("expert-tasks-")) {
      return "tasks";
    }
    return switch (topic) {
      case "expert-results" -> "results";
      case "fused-results" -> "fused";
      default -> topic;
    };
  }
}
