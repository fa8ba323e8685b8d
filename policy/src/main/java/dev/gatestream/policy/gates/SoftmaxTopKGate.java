package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import java.util.Arrays;

/**
 * The k experts with the highest linear scores; gate weights are their softmax among themselves.
 */
public final class SoftmaxTopKGate extends LinearGate {

  private final int k;

  SoftmaxTopKGate(
      ExpertPool pool,
      long version,
      LinearScorer scorer,
      int k,
      double broadcastMargin,
      int broadcastMax) {
    super(
        pool, version, scorer, allRoutableExcept(pool.size(), NONE), broadcastMargin, broadcastMax);
    if (k < 1 || k > pool.size()) {
      throw new IllegalArgumentException(
          "softmax-top-k needs 1 <= k <= " + pool.size() + " experts, got k=" + k);
    }
    this.k = k;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] scores, boolean[] routable) {
    return Arrays.copyOf(rank(scores, routable), k);
  }

  @Override
  double[] gateWeights(double[] scores, int[] chosen) {
    return softmaxWeights(scores, chosen);
  }

  @Override
  int maxOwnRouted() {
    return k;
  }
}
