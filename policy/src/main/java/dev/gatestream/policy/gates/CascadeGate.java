package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.cascade.CascadeRule;

/**
 * The first stage of a cascade: every request goes to the first expert of the cascade's order, with
 * propensity 1. Whether it escalates is decided later, on the answer, by the {@link CascadeRule}
 * the gate carries (fusion applies it).
 */
public final class CascadeGate extends DeterministicGate {

  private final CascadeRule rule;
  private final int first;
  private final boolean[] routable;

  CascadeGate(ExpertPool pool, long version, CascadeRule rule) {
    super(pool, version, 0, 0);
    for (String expert : rule.order()) {
      pool.indexOf(expert, "the cascade order");
    }
    this.rule = rule;
    this.first = pool.indexOf(rule.first(), "the cascade order");
    this.routable = new boolean[pool.size()];
    routable[first] = true;
  }

  /** What decides the escalations after the first answer. */
  public CascadeRule rule() {
    return rule;
  }

  @Override
  double[] scores(RoutingInput input, float[] features) {
    double[] scores = new double[pool.size()];
    scores[first] = 1;
    return scores;
  }

  @Override
  boolean[] routable(RoutingInput input) {
    return routable;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] scores, boolean[] routable) {
    return new int[] {first};
  }

  @Override
  double[] gateWeights(double[] scores, int[] chosen) {
    return new double[] {1};
  }

  @Override
  int maxOwnRouted() {
    return 1;
  }
}
