package dev.gatestream.gating.gates;

import dev.gatestream.gating.Gate;
import dev.gatestream.gating.RoutingInput;
import dev.gatestream.gating.Selection;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * ε-greedy exploration over a deterministic gate: with probability ε its routed choice is replaced by
 * as many experts drawn uniformly from the routable ones. Always-on experts stay. Each routable
 * expert's reported propensity is its true marginal probability, (1−ε)·1[chosen by the gate] + ε·k/n.
 */
public final class EpsilonGreedyGate implements Gate {

  private final DeterministicGate base;
  private final double epsilon;

  EpsilonGreedyGate(DeterministicGate base, double epsilon) {
    if (!(epsilon > 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in (0, 1], got " + epsilon);
    }
    this.base = base;
    this.epsilon = epsilon;
  }

  @Override
  public long version() {
    return base.version();
  }

  @Override
  public Selection select(RoutingInput input, float[] features, RandomGenerator random) {
    DeterministicGate.Decision decision = base.decide(input, features);
    boolean[] routable = decision.routable();
    int[] candidates = decision.candidates();
    int n = candidates.length;
    int[] routed = decision.routed();
    int k = routed.length;
    double[] propensities = new double[routable.length];
    double uniformShare = (double) k / n;
    for (int i = 0; i < n; i++) {
      propensities[candidates[i]] = epsilon * uniformShare;
    }
    for (int expert : routed) {
      propensities[expert] += 1 - epsilon;
    }
    if (random.nextDouble() < epsilon) {
      routed = uniformSubset(candidates, n, k, random);
    }
    return base.toSelection(decision.scores(), routed, propensities);
  }

  // Partial Fisher–Yates: the first k of a shuffle are a uniform k-subset.
  private static int[] uniformSubset(int[] candidates, int n, int k, RandomGenerator random) {
    int[] pool = Arrays.copyOf(candidates, n);
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int swap = pool[i];
      pool[i] = pool[j];
      pool[j] = swap;
    }
    return Arrays.copyOf(pool, k);
  }
}
