package dev.gatestream.policy.gates;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import java.util.Locale;

/**
 * Predicts per expert the probability of a good answer, P_i = σ(w_i·x + b_i), and picks one expert
 * by cost: the cheapest predicted good enough, or the best trade-off of success and price. A
 * request's cost budget leaves out experts priced over it (all over it: only the cheapest remains).
 * Scores reported are the predicted success probabilities, and the gate weights of several chosen
 * experts (broadcast, exploration) are those probabilities normalized.
 */
public final class SuccessPredictorGate extends DeterministicGate {

  /** How predicted success and price become a choice. */
  public enum Mode {
    /** The cheapest expert with P_i ≥ threshold; none: the one with the highest P_i. */
    CHEAPEST_ABOVE_THRESHOLD("cheapest-above-threshold"),
    /** argmax P_i − λ·price_i. */
    NET_UTILITY("net-utility");

    private final String id;

    Mode(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Mode fromId(String id) {
      for (Mode mode : values()) {
        if (mode.id.equals(id) || mode.name().equals(id.toUpperCase(Locale.ROOT))) {
          return mode;
        }
      }
      throw new IllegalArgumentException(
          "unknown success-predictor mode '"
              + id
              + "', expected cheapest-above-threshold or net-utility");
    }
  }

  private final LinearScorer scorer;
  private final Mode mode;
  private final double threshold;
  private final double lambda;
  private final boolean[] allRoutable;
  private final boolean[] cheapestOnly;

  SuccessPredictorGate(
      ExpertPool pool,
      long version,
      LinearScorer scorer,
      Mode mode,
      double threshold,
      double lambda,
      double broadcastMargin,
      int broadcastMax) {
    super(pool, version, broadcastMargin, broadcastMax);
    if (mode == null) {
      throw new IllegalArgumentException(
          "success-predictor needs a mode: cheapest-above-threshold or net-utility");
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException(
          "success-predictor needs 0 <= threshold <= 1, got " + threshold);
    }
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException(
          "success-predictor needs a finite lambda >= 0, got " + lambda);
    }
    this.scorer = scorer;
    this.mode = mode;
    this.threshold = threshold;
    this.lambda = lambda;
    this.allRoutable = allRoutableExcept(pool.size(), DeterministicGate.NONE);
    this.cheapestOnly = new boolean[pool.size()];
    cheapestOnly[cheapest(pool.prices)] = true;
  }

  private static int cheapest(double[] prices) {
    int cheapest = 0;
    for (int i = 1; i < prices.length; i++) {
      if (prices[i] < prices[cheapest]) {
        cheapest = i;
      }
    }
    return cheapest;
  }

  @Override
  double[] scores(RoutingInput input, float[] features) {
    double[] scores = scorer.score(features);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = SigmoidGate.sigmoid(scores[i]);
    }
    return scores;
  }

  @Override
  boolean[] routable(RoutingInput input) {
    Double budget = input.costBudget();
    if (budget == null) {
      return allRoutable;
    }
    if (!(budget >= 0)) {
      throw new InvalidInputException("cost budget must be a number >= 0, got " + budget);
    }
    boolean[] affordable = new boolean[pool.size()];
    boolean any = false;
    for (int i = 0; i < affordable.length; i++) {
      affordable[i] = pool.prices[i] <= budget;
      any |= affordable[i];
    }
    return any ? affordable : cheapestOnly;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] success, boolean[] routable) {
    return new int[] {
      mode == Mode.NET_UTILITY
          ? bestNetUtility(success, routable)
          : cheapestAboveThreshold(success, routable)
    };
  }

  private int cheapestAboveThreshold(double[] success, boolean[] routable) {
    int cheapest = -1;
    int best = -1;
    for (int i = 0; i < success.length; i++) {
      if (!routable[i]) {
        continue;
      }
      if (best < 0 || success[i] > success[best]) {
        best = i;
      }
      boolean cheaper =
          cheapest < 0
              || pool.prices[i] < pool.prices[cheapest]
              || (pool.prices[i] == pool.prices[cheapest] && success[i] > success[cheapest]);
      if (success[i] >= threshold && cheaper) {
        cheapest = i;
      }
    }
    return cheapest >= 0 ? cheapest : best;
  }

  /**
   * Net utility, success - λ·price, so temperature exploration samples the expensive experts less.
   */
  @Override
  double[] preferences(double[] success) {
    double[] utility = new double[success.length];
    for (int i = 0; i < success.length; i++) {
      utility[i] = success[i] - lambda * pool.prices[i];
    }
    return utility;
  }

  private int bestNetUtility(double[] success, boolean[] routable) {
    int best = -1;
    double bestUtility = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < success.length; i++) {
      double utility = success[i] - lambda * pool.prices[i];
      if (routable[i] && utility > bestUtility) {
        best = i;
        bestUtility = utility;
      }
    }
    return best;
  }

  @Override
  double[] gateWeights(double[] success, int[] chosen) {
    double[] weights = new double[chosen.length];
    for (int i = 0; i < chosen.length; i++) {
      weights[i] = success[chosen[i]];
    }
    return normalized(weights);
  }

  @Override
  int maxOwnRouted() {
    return 1;
  }
}
