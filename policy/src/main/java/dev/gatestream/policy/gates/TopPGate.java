package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import java.util.Arrays;

/**
 * Dynamic top-p: experts in descending softmax probability until their cumulative probability
 * reaches p, at most maxK. A confident gate (peaked softmax) asks one expert; an unsure one (flat)
 * asks more.
 */
public final class TopPGate extends LinearGate {

  private final double p;
  private final int maxK;

  TopPGate(
      ExpertPool pool,
      long version,
      LinearScorer scorer,
      double p,
      int maxK,
      double broadcastMargin,
      int broadcastMax) {
    super(
        pool, version, scorer, allRoutableExcept(pool.size(), NONE), broadcastMargin, broadcastMax);
    if (!(p > 0 && p <= 1)) {
      throw new IllegalArgumentException("top-p needs 0 < p <= 1, got " + p);
    }
    if (maxK < 1 || maxK > pool.size()) {
      throw new IllegalArgumentException(
          "top-p needs 1 <= maxK <= " + pool.size() + " experts, got maxK=" + maxK);
    }
    this.p = p;
    this.maxK = maxK;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] scores, boolean[] routable) {
    int[] ranked = rank(scores, routable);
    double max = scores[ranked[0]];
    double partition = 0;
    for (int expert : ranked) {
      partition += Math.exp(scores[expert] - max);
    }
    double cumulative = 0;
    int count = 0;
    while (count < maxK && count < ranked.length) {
      cumulative += Math.exp(scores[ranked[count]] - max) / partition;
      count++;
      if (cumulative >= p) {
        break;
      }
    }
    return Arrays.copyOf(ranked, count);
  }

  @Override
  double[] gateWeights(double[] scores, int[] chosen) {
    return softmaxWeights(scores, chosen);
  }

  @Override
  int maxOwnRouted() {
    return maxK;
  }
}
