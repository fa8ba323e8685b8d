package dev.gatestream.streams.router;

import dev.gatestream.contracts.RoutingWeights;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A candidate policy beside production in the router: its own gate and weights (its name on the
 * routing-weights topic), deciding every request. Counterfactual, except for its canary share of
 * requests, where its decision is the real one. The share is configured, and a canaryShare
 * published with the candidate's weights overrides it (0 rolls the canary back).
 */
public final class CandidateRunner {

  public static final String DECISIONS = "gatestream.router.candidate.decisions";
  public static final String FAILURES = "gatestream.router.candidate.failures";
  public static final String CANARY_SHARE = "gatestream.router.candidate.canary.share";

  private final ActivePolicy policy;
  private final String production;
  private final double configuredShare;
  private volatile Double publishedShare;
  private long shareVersion = -1;
  private Counter counterfactual;
  private Counter canary;
  private Counter failures;

  /**
   * @param production the name of the production policy it runs beside
   * @param canaryShare router.candidate.canary.share
   */
  public CandidateRunner(ActivePolicy policy, String production, double canaryShare) {
    if (!(canaryShare >= 0 && canaryShare <= 1)) {
      throw new IllegalArgumentException("canary share must be in [0, 1], got " + canaryShare);
    }
    if (policy.policy().equals(production)) {
      throw new IllegalArgumentException(
          "the candidate policy must be named apart from production, both are " + production);
    }
    this.policy = policy;
    this.production = production;
    this.configuredShare = canaryShare;
  }

  public ActivePolicy policy() {
    return policy;
  }

  public String name() {
    return policy.policy();
  }

  public String productionName() {
    return production;
  }

  /** The share of requests it decides for real right now. */
  public double canaryShare() {
    Double published = publishedShare;
    return published == null ? configuredShare : published;
  }

  /** Considers a published snapshot; the candidate's own may also set its canary share. */
  public synchronized void offer(RoutingWeights weights) {
    if (weights == null || !name().equals(weights.getPolicy())) {
      return;
    }
    policy.offer(weights);
    // Apart from the gate: a share published with weights its gate cannot use still holds.
    if (weights.getCanaryShare() != null && weights.getVersion() > shareVersion) {
      shareVersion = weights.getVersion();
      publishedShare = Math.max(0, Math.min(1, weights.getCanaryShare()));
    }
  }

  public CandidateRunner meteredOn(MeterRegistry meters) {
    counterfactual =
        Counter.builder(DECISIONS)
            .description("Decisions of the candidate policy")
            .tag("candidate", name())
            .tag("kind", "counterfactual")
            .register(meters);
    canary =
        Counter.builder(DECISIONS)
            .description("Decisions of the candidate policy")
            .tag("candidate", name())
            .tag("kind", "canary")
            .register(meters);
    failures =
        Counter.builder(FAILURES)
            .description("Requests the candidate's gate failed on (production routed them)")
            .tag("candidate", name())
            .register(meters);
    Gauge.builder(CANARY_SHARE, this, CandidateRunner::canaryShare)
        .description("Share of live requests the candidate decides for real")
        .tag("candidate", name())
        .strongReference(true)
        .register(meters);
    return this;
  }

  void decided(boolean asCanary) {
    Counter counter = asCanary ? canary : counterfactual;
    if (counter != null) {
      counter.increment();
    }
  }

  void failed() {
    if (failures != null) {
      failures.increment();
    }
  }
}
