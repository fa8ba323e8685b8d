package dev.gatestream.cli.replay;

import java.util.List;
import java.util.Map;

/**
 * What a replay measured: the routed system's quality and cost, per segment (log) and per bucket of
 * requests, with each expert's share, next to the baselines computed from the same rows; with a sweep,
 * one such run per value of the swept setting, and the cost-quality frontier they trace.
 *
 * @param segments the run's segments; with a sweep, those of its last point
 * @param sweep the sweep's points in the order given, empty without a sweep
 */
public record ReplayReport(List<Segment> segments, List<SweepPoint> sweep) {

  public ReplayReport(List<Segment> segments) {
    this(segments, List.of());
  }

  /**
   * @param rated the requests whose quality is known (all of them when replaying logs)
   * @param quality mean quality of the fused answers that have one (replaying a log: the logged quality,
   *     fused by the configured strategy), NaN when none has
   * @param cost mean cost per request of the fused answers
   */
  public record Segment(String name, int requests, int rated, double quality, double cost, Map<String, Double> share,
      Baselines baselines, List<Bucket> buckets, Map<String, Long> completeness) {}

  /**
   * What simple policies score on the same requests; what the source cannot tell is empty or null.
   *
   * @param singleExperts always choosing that expert
   * @param uniformRandom choosing one expert uniformly at random
   * @param oracle always choosing the best expert for the request (the cheapest of them on a tie)
   * @param recorded the recorded deployment: the mean reward of its recorded feedback, cost unknown (NaN)
   */
  public record Baselines(Map<String, Baseline> singleExperts, Baseline uniformRandom, Baseline oracle,
      Baseline recorded) {

    /** The best single expert, null when there are none. */
    public Baseline bestSingleExpert() {
      return singleExperts.values().stream().max((a, b) -> Double.compare(a.quality(), b.quality())).orElse(null);
    }
  }

  /** A simple policy's mean quality and cost per request on the same rows. */
  public record Baseline(double quality, double cost) {}

  /** One bucket of consecutive requests, in the order their results came. */
  public record Bucket(int fromRequest, int requests, int rated, double quality, double cost,
      Map<String, Double> share, long policyVersion) {}

  /** One run of a sweep: the swept setting at one value. */
  public record SweepPoint(String setting, String value, List<Segment> segments) {}
}
