package dev.gatestream.policy.gates;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A gate whose selection is a function of the input: every chosen expert has propensity 1, every
 * other 0. Its experts split in two: always-on ones (chosen for every input) and routed ones, among
 * which it picks. {@link EpsilonGreedyGate} and {@link TemperatureSamplingGate} explore over the
 * routed ones.
 *
 * <p>Uncertainty broadcast, when its margin is positive: routed experts whose score is within the
 * margin of the best routed score are added too (best first), up to the broadcast cap, so near-ties
 * are asked rather than decided by noise.
 */
public abstract class DeterministicGate implements Gate {

  static final int[] NONE = new int[0];

  final ExpertPool pool;
  private final long version;
  private final double broadcastMargin;
  private final int broadcastMax;

  /**
   * @param broadcastMargin 0 for no broadcast
   */
  DeterministicGate(ExpertPool pool, long version, double broadcastMargin, int broadcastMax) {
    this.pool = pool;
    this.version = version;
    this.broadcastMargin = broadcastMargin;
    this.broadcastMax = broadcastMax;
  }

  /** One input's scores, the experts it may route to, and the ones it routes to, best first. */
  record Decision(double[] scores, boolean[] routable, int[] routed) {

    /** The routable experts' indices, in pool order: the set an exploring wrapper draws from. */
    int[] candidates() {
      int count = 0;
      for (boolean candidate : routable) {
        count += candidate ? 1 : 0;
      }
      int[] candidates = new int[count];
      int n = 0;
      for (int expert = 0; expert < routable.length; expert++) {
        if (routable[expert]) {
          candidates[n++] = expert;
        }
      }
      return candidates;
    }
  }

  /** Per expert, in pool order. */
  abstract double[] scores(RoutingInput input, float[] features);

  /** Routed experts this input may go to: never an always-on one. */
  abstract boolean[] routable(RoutingInput input);

  /** The routed choice, best first, all of them routable. */
  abstract int[] chooseRouted(RoutingInput input, double[] scores, boolean[] routable);

  /**
   * What temperature exploration samples by: the quantity the gate maximizes, so that exploring
   * keeps its trade-offs. By default the scores themselves.
   */
  double[] preferences(double[] scores) {
    return scores;
  }

  /** The gate's weights of the given experts, summing to 1. */
  abstract double[] gateWeights(double[] scores, int[] chosen);

  /** The most routed experts the gate picks before broadcast. */
  abstract int maxOwnRouted();

  int[] alwaysOn() {
    return NONE;
  }

  /**
   * Outcomes learned per expert in pool order, null when the weights do not tell (exploration reads
   * it).
   */
  double[] outcomes() {
    return null;
  }

  /** Sees every final selection, exploration included (the bandit gate charges its spend). */
  void selected(int[] chosen) {}

  /** The most routed experts any selection of this gate has; bounds exploration's work. */
  final int maxRouted() {
    return broadcastMargin > 0 ? Math.max(maxOwnRouted(), broadcastMax) : maxOwnRouted();
  }

  @Override
  public final long version() {
    return version;
  }

  @Override
  public final Selection select(RoutingInput input, float[] features, RandomGenerator random) {
    Decision decision = decide(input, features);
    double[] propensities = new double[pool.size()];
    for (int expert : decision.routed()) {
      propensities[expert] = 1;
    }
    return toSelection(decision.scores(), decision.routed(), propensities);
  }

  final Decision decide(RoutingInput input, float[] features) {
    double[] scores = scores(input, features);
    boolean[] routable = routable(input);
    int[] routed = chooseRouted(input, scores, routable);
    if (broadcastMargin > 0 && routed.length < broadcastMax) {
      routed = broadcast(scores, routable, routed);
    }
    return new Decision(scores, routable, routed);
  }

  private int[] broadcast(double[] scores, boolean[] routable, int[] routed) {
    int[] ranked = rank(scores, routable);
    double floor = scores[ranked[0]] - broadcastMargin;
    boolean[] chosen = new boolean[pool.size()];
    for (int expert : routed) {
      chosen[expert] = true;
    }
    int[] widened = Arrays.copyOf(routed, broadcastMax);
    int count = routed.length;
    for (int i = 0; i < ranked.length && count < broadcastMax && scores[ranked[i]] >= floor; i++) {
      if (!chosen[ranked[i]]) {
        widened[count++] = ranked[i];
      }
    }
    return count == widened.length ? widened : Arrays.copyOf(widened, count);
  }

  /**
   * The selection of the always-on experts plus routed, ordered by gate weight (ties keep the order
   * given); always-on experts get propensity 1 here.
   */
  final Selection toSelection(double[] scores, int[] routed, double[] propensities) {
    int[] fixed = alwaysOn();
    int[] chosen = new int[fixed.length + routed.length];
    System.arraycopy(fixed, 0, chosen, 0, fixed.length);
    System.arraycopy(routed, 0, chosen, fixed.length, routed.length);
    for (int expert : fixed) {
      propensities[expert] = 1;
    }
    selected(chosen);
    double[] weights = gateWeights(scores, chosen);
    sortByWeightDescending(chosen, weights);
    List<Choice> choices = new ArrayList<>(chosen.length);
    for (int i = 0; i < chosen.length; i++) {
      int expert = chosen[i];
      choices.add(new Choice(pool.names[expert], weights[i], propensities[expert]));
    }
    return new Selection(
        List.copyOf(choices), new ExpertValues(pool, propensities), new ExpertValues(pool, scores));
  }

  // Insertion sort: a handful of elements, and it is stable.
  private static void sortByWeightDescending(int[] experts, double[] weights) {
    for (int i = 1; i < experts.length; i++) {
      int expert = experts[i];
      double weight = weights[i];
      int j = i - 1;
      while (j >= 0 && weights[j] < weight) {
        experts[j + 1] = experts[j];
        weights[j + 1] = weights[j];
        j--;
      }
      experts[j + 1] = expert;
      weights[j + 1] = weight;
    }
  }

  /** The routable experts by value, highest first, ties by pool order. */
  static int[] rank(double[] values, boolean[] routable) {
    int[] ranked = new int[values.length];
    int count = 0;
    for (int expert = 0; expert < values.length; expert++) {
      if (!routable[expert]) {
        continue;
      }
      int j = count - 1;
      while (j >= 0 && values[ranked[j]] < values[expert]) {
        ranked[j + 1] = ranked[j];
        j--;
      }
      ranked[j + 1] = expert;
      count++;
    }
    return count == ranked.length ? ranked : Arrays.copyOf(ranked, count);
  }

  /** Scaled to sum to 1; uniform when they cannot be (all zero, or overflowed). */
  static double[] normalized(double[] weights) {
    double sum = 0;
    for (double weight : weights) {
      sum += weight;
    }
    if (!(sum > 0) || Double.isInfinite(sum)) {
      Arrays.fill(weights, 1.0 / weights.length);
      return weights;
    }
    for (int i = 0; i < weights.length; i++) {
      weights[i] /= sum;
    }
    return weights;
  }

  /** Softmax of the chosen experts' scores among themselves. */
  static double[] softmaxWeights(double[] scores, int[] chosen) {
    double max = Double.NEGATIVE_INFINITY;
    for (int expert : chosen) {
      max = Math.max(max, scores[expert]);
    }
    double[] weights = new double[chosen.length];
    for (int i = 0; i < chosen.length; i++) {
      weights[i] = Math.exp(scores[chosen[i]] - max);
    }
    return normalized(weights);
  }

  static boolean[] allRoutableExcept(int size, int[] excluded) {
    boolean[] routable = new boolean[size];
    Arrays.fill(routable, true);
    for (int expert : excluded) {
      routable[expert] = false;
    }
    return routable;
  }
}
