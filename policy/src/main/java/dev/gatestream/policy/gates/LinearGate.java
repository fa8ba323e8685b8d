package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;

/**
 * A gate whose scores are the linear scorer's and whose routable experts are fixed at construction.
 */
abstract class LinearGate extends DeterministicGate {

  private final LinearScorer scorer;
  private final boolean[] routable;

  LinearGate(
      ExpertPool pool,
      long version,
      LinearScorer scorer,
      boolean[] routable,
      double broadcastMargin,
      int broadcastMax) {
    super(pool, version, broadcastMargin, broadcastMax);
    this.scorer = scorer;
    this.routable = routable;
  }

  @Override
  final double[] scores(RoutingInput input, float[] features) {
    return scorer.score(features);
  }

  @Override
  final boolean[] routable(RoutingInput input) {
    return routable;
  }
}
