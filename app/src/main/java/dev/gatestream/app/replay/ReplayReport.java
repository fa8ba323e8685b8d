package dev.gatestream.app.replay;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * What a replay measured: the routed system's quality and cost, per segment (log) and per bucket of
 * requests, with each expert's share, next to the baselines computed from the same rows; with a
 * sweep, one such run per value of the swept setting, and the cost-quality frontier they trace.
 *
 * @param segments the run's segments; with a sweep, those of its last point
 * @param sweep the sweep's points in the order given, empty without a sweep
 */
public record ReplayReport(List<Segment> segments, List<SweepPoint> sweep) {

  public ReplayReport(List<Segment> segments) {
    this(segments, List.of());
  }

  /**
   * How fast a segment went, and how fresh the weights that routed it were. A request's staleness
   * is the feedback produced before it was sent that the weights routing it had not learned: the
   * requests in flight whose feedback has not come yet, and the feedback the learner has not
   * published yet.
   *
   * @param requestsPerSecond requests replayed per second, from the first sent to the last result
   * @param meanExamplesBehind mean staleness of the weights per request, in examples
   * @param maxExamplesBehind the largest staleness of any request
   * @param largestWindow most requests the window let be in flight at once
   */
  public record Pace(
      double seconds,
      double requestsPerSecond,
      double meanExamplesBehind,
      long maxExamplesBehind,
      int largestWindow) {}

  /**
   * @param rated the requests whose quality is known (all of them when replaying logs)
   * @param quality mean quality of the fused answers that have one (replaying a log: the logged
   *     quality, fused by the configured strategy), NaN when none has
   * @param cost mean cost per request of the fused answers
   * @param secondHalfCost mean cost per request of the second half of the results, in the order
   *     they came
   * @param duplicatesSkipped rows of the log not replayed because an earlier row had their id
   * @param spendTarget the router's spend target, USD per request; 0 for none
   * @param pace how fast the segment went and how stale the weights that routed it were; null when
   *     not measured
   */
  public record Segment(
      String name,
      int requests,
      int rated,
      double quality,
      double cost,
      double secondHalfCost,
      Map<String, Double> share,
      Baselines baselines,
      List<Bucket> buckets,
      Map<String, Long> completeness,
      int duplicatesSkipped,
      double spendTarget,
      Pace pace) {

    /** What the driver measured, before the run adds what it knows of the segment. */
    public Segment(
        String name,
        int requests,
        int rated,
        double quality,
        double cost,
        double secondHalfCost,
        Map<String, Double> share,
        Baselines baselines,
        List<Bucket> buckets,
        Map<String, Long> completeness) {
      this(
          name,
          requests,
          rated,
          quality,
          cost,
          secondHalfCost,
          share,
          baselines,
          buckets,
          completeness,
          0,
          0,
          null);
    }

    public Segment withPace(Pace pace) {
      return new Segment(
          name,
          requests,
          rated,
          quality,
          cost,
          secondHalfCost,
          share,
          baselines,
          buckets,
          completeness,
          duplicatesSkipped,
          spendTarget,
          pace);
    }

    public Segment withContext(int duplicatesSkipped, double spendTarget) {
      return new Segment(
          name,
          requests,
          rated,
          quality,
          cost,
          secondHalfCost,
          share,
          baselines,
          buckets,
          completeness,
          duplicatesSkipped,
          spendTarget,
          pace);
    }

    /**
     * The single expert that is at least as good for at most the cost, strictly one or the other;
     * of several, the best (then the cheapest). Null when the routed system is on the frontier.
     */
    @JsonProperty("dominatedBy")
    public Dominating dominatedBy() {
      return baselines.singleExperts().entrySet().stream()
          .filter(
              e ->
                  CostQualityFrontier.dominates(
                      e.getValue().quality(), e.getValue().cost(), quality, cost))
          .map(e -> new Dominating(e.getKey(), e.getValue().quality(), e.getValue().cost()))
          .max(
              Comparator.comparingDouble(Dominating::quality)
                  .thenComparing(Dominating::cost, Comparator.reverseOrder()))
          .orElse(null);
    }

    /** How the spend held to the target; null without a target. */
    @JsonProperty("spend")
    public Spend spend() {
      return spendTarget > 0
          ? new Spend(
              spendTarget,
              cost,
              cost / spendTarget - 1,
              secondHalfCost,
              secondHalfCost / spendTarget - 1)
          : null;
    }
  }

  /** A single expert that dominates the routed system, and its quality and cost per request. */
  public record Dominating(String expert, double quality, double cost) {}

  /**
   * Spend per request against the target.
   *
   * @param deviation (cost - target) / target
   * @param secondHalfDeviation the same over the second half, once a controller has had time to
   *     settle
   */
  public record Spend(
      double target,
      double cost,
      double deviation,
      double secondHalfCost,
      double secondHalfDeviation) {}

  /**
   * What simple policies score on the same requests; what the source cannot tell is empty or null.
   *
   * @param singleExperts always choosing that expert
   * @param uniformRandom choosing one expert uniformly at random
   * @param oracle always choosing the best expert for the request (the cheapest of them on a tie)
   * @param recorded the recorded deployment: the mean reward of its recorded feedback, cost unknown
   *     (NaN)
   * @param offline routers fitted offline on every expert's logged outcome
   */
  public record Baselines(
      Map<String, Baseline> singleExperts,
      Baseline uniformRandom,
      Baseline oracle,
      Baseline recorded,
      Offline offline) {

    public Baselines(
        Map<String, Baseline> singleExperts,
        Baseline uniformRandom,
        Baseline oracle,
        Baseline recorded) {
      this(singleExperts, uniformRandom, oracle, recorded, null);
    }

    public Baselines withOffline(Offline offline) {
      return new Baselines(singleExperts, uniformRandom, oracle, recorded, offline);
    }

    /** The best single expert, null when there are none. */
    public Baseline bestSingleExpert() {
      return singleExperts.values().stream()
          .max((a, b) -> Double.compare(a.quality(), b.quality()))
          .orElse(null);
    }
  }

  /**
   * References fitted offline with every expert's logged outcome (full information, which no online
   * router has), judged on the segment's rows.
   *
   * @param fittedOn the earlier segment they were fitted on, or this one when {@code inSample}
   * @param perTaskLookup per task label the expert of the best mean quality there
   * @param perTaskLookupCostAware per task label the cheapest expert within a tolerance of the best
   * @param knn per request the best expert of its nearest neighbours by the router's features; null
   *     when the featurizer cannot featurize the logged rows
   */
  public record Offline(
      String fittedOn,
      boolean inSample,
      Baseline perTaskLookup,
      Baseline perTaskLookupCostAware,
      Baseline knn) {}

  /** A simple policy's mean quality and cost per request on the same rows. */
  public record Baseline(double quality, double cost) {}

  /** One bucket of consecutive requests, in the order their results came. */
  public record Bucket(
      int fromRequest,
      int requests,
      int rated,
      double quality,
      double cost,
      Map<String, Double> share,
      long policyVersion) {}

  /** One run of a sweep: the swept setting at one value. */
  public record SweepPoint(String setting, String value, List<Segment> segments) {}
}
