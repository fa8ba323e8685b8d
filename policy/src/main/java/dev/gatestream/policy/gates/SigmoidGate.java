package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import java.util.Arrays;
import java.util.List;

/**
 * Normalized sigmoid gating (as in DeepSeek-V3's MoE): the top-k routed experts by score plus the
 * always-on shared experts; gate weights are σ(s_i) normalized over all of them. Sigmoids, unlike a
 * softmax, do not make experts compete for probability mass before the choice.
 */
public final class SigmoidGate extends LinearGate {

  private final int k;
  private final int[] shared;

  SigmoidGate(
      ExpertPool pool,
      long version,
      LinearScorer scorer,
      int k,
      List<String> sharedExperts,
      double broadcastMargin,
      int broadcastMax) {
    super(
        pool,
        version,
        scorer,
        allRoutableExcept(pool.size(), indices(pool, sharedExperts)),
        broadcastMargin,
        broadcastMax);
    this.shared = indices(pool, sharedExperts);
    if (Arrays.stream(shared).distinct().count() != shared.length) {
      throw new IllegalArgumentException(
          "the shared expert list names an expert twice: " + sharedExperts);
    }
    int routedCount = pool.size() - shared.length;
    if (k < 1 || k > routedCount) {
      throw new IllegalArgumentException(
          "sigmoid needs 1 <= k <= " + routedCount + " routed (non-shared) experts, got k=" + k);
    }
    this.k = k;
  }

  private static int[] indices(ExpertPool pool, List<String> sharedExperts) {
    int[] indices = new int[sharedExperts.size()];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = pool.indexOf(sharedExperts.get(i), "the shared expert list");
    }
    return indices;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] scores, boolean[] routable) {
    return Arrays.copyOf(rank(scores, routable), k);
  }

  @Override
  double[] gateWeights(double[] scores, int[] chosen) {
    double[] weights = new double[chosen.length];
    for (int i = 0; i < chosen.length; i++) {
      weights[i] = sigmoid(scores[chosen[i]]);
    }
    return normalized(weights);
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  @Override
  int[] alwaysOn() {
    return shared;
  }

  @Override
  int maxOwnRouted() {
    return k;
  }
}
