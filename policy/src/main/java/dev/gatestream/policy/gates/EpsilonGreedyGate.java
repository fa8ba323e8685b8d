package dev.gatestream.policy.gates;

import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * ε-greedy exploration over a deterministic gate: with probability ε its routed choice is replaced
 * by as many experts drawn uniformly from a draw set. Always-on experts stay.
 *
 * <p>The draw set is the routable experts with fewer than {@code minOutcomes} learned outcomes when
 * there are any (a new expert, one added at run time), else every routable expert: so a newcomer is
 * tried, and logged as tried, until the learner knows it. ε decays with the examples n behind the
 * weights as ε·sqrt(d/(d + n)) (d = 0: no decay), which keeps every expert's propensity positive
 * for off-policy evaluation while the cost of exploring shrinks. Each routable expert's reported
 * propensity is its exact marginal probability, (1−ε)·1[chosen by the gate] + ε·k/|draw set|·1[in
 * the draw set].
 */
public final class EpsilonGreedyGate implements Gate {

  private final DeterministicGate base;
  private final double epsilon;
  private final int minOutcomes;

  EpsilonGreedyGate(DeterministicGate base, double epsilon, double decay, int minOutcomes) {
    if (!(epsilon > 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("epsilon must be in (0, 1], got " + epsilon);
    }
    if (!(decay >= 0) || Double.isInfinite(decay) || minOutcomes < 0) {
      throw new IllegalArgumentException(
          "decay must be finite and >= 0 and min outcomes >= 0, got "
              + decay
              + " and "
              + minOutcomes);
    }
    double[] outcomes = base.outcomes();
    double examples = outcomes == null ? 0 : Arrays.stream(outcomes).sum();
    this.base = base;
    this.epsilon = decay == 0 ? epsilon : epsilon * Math.sqrt(decay / (decay + examples));
    this.minOutcomes = outcomes == null ? 0 : minOutcomes;
  }

  @Override
  public long version() {
    return base.version();
  }

  /** The ε in force for these weights, after decay. */
  double epsilon() {
    return epsilon;
  }

  @Override
  public Selection select(RoutingInput input, float[] features, RandomGenerator random) {
    DeterministicGate.Decision decision = base.decide(input, features);
    int[] draws = drawSet(decision.candidates());
    int n = draws.length;
    int[] routed = decision.routed();
    int k = Math.min(routed.length, n);
    double[] propensities = new double[decision.routable().length];
    double share = (double) k / n;
    for (int expert : draws) {
      propensities[expert] = epsilon * share;
    }
    for (int expert : routed) {
      propensities[expert] += 1 - epsilon;
    }
    if (random.nextDouble() < epsilon) {
      routed = uniformSubset(draws, n, k, random);
    }
    return base.toSelection(decision.scores(), routed, propensities);
  }

  /** The routable experts short of minOutcomes, or all of them when none is. */
  private int[] drawSet(int[] candidates) {
    if (minOutcomes == 0) {
      return candidates;
    }
    double[] outcomes = base.outcomes();
    int[] newcomers = new int[candidates.length];
    int count = 0;
    for (int expert : candidates) {
      if (outcomes[expert] < minOutcomes) {
        newcomers[count++] = expert;
      }
    }
    return count == 0 ? candidates : Arrays.copyOf(newcomers, count);
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
