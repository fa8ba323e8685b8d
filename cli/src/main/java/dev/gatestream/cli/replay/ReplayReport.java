package dev.gatestream.cli.replay;

import java.util.List;
import java.util.Map;

/**
 * What a replay measured: the routed system's quality and cost, per segment (log) and per bucket of
 * requests, with each expert's share, next to the baselines computed from the same rows.
 */
public record ReplayReport(List<Segment> segments) {

  /**
   * @param quality mean quality of the fused answers (the logged quality, fused by the configured strategy)
   * @param singleExperts mean quality of always choosing that expert
   * @param uniformRandom mean quality of choosing an expert uniformly at random
   * @param oracle mean quality of always choosing the best expert for the request
   */
  public record Segment(String name, int requests, double quality, double cost, Map<String, Double> share,
      Map<String, Double> singleExperts, double uniformRandom, double oracle, List<Bucket> buckets,
      Map<String, Long> completeness) {}

  /** One bucket of consecutive requests, in the order their results came. */
  public record Bucket(int fromRequest, int requests, double quality, double cost, Map<String, Double> share,
      long policyVersion) {}
}
