package dev.gatestream.gating.gates;

import dev.gatestream.gating.InvalidInputException;
import dev.gatestream.gating.RoutingInput;
import dev.gatestream.gating.WeightsSnapshot;
import java.util.Arrays;

/**
 * Routes to the k experts of highest utility u = μ(x) + α·σ(x) − λ·ĉ: the ridge learner's predicted
 * quality μ(x) = w·x + b, an optimism bonus α times its standard deviation σ(x)² = Σ_j x_j² v_j + v_b
 * (the published variances of the coefficients, so the bonus shrinks with evidence per expert and per
 * context, e.g. per task slot), and the price λ of the expert's expected cost ĉ: its learned mean cost
 * per call, or its configured price until it has an outcome. λ is the spend controller's, fixed or held
 * at a spend target; every final selection (exploration included) is charged to it.
 *
 * <p>Without weights every expert predicts the learner's prior with unit variance per coordinate, so
 * the first requests go to whatever optimism and price favour, and the ε exploration on top spreads
 * them. A request's cost budget leaves out experts expected to cost more (all of them: the cheapest).
 */
public final class BanditGate extends DeterministicGate {

  private final LinearScorer means;
  private final double[] variances;
  private final double[] expectedCosts;
  private final double[] outcomes;
  private final double optimism;
  private final int k;
  private final SpendController spend;
  private final boolean[] allRoutable;

  BanditGate(ExpertPool pool, long version, LinearScorer means, WeightsSnapshot weightsOrNull, int k,
      double optimism, SpendController spend) {
    super(pool, version, 0, k);
    if (k < 1 || k > pool.size()) {
      throw new IllegalArgumentException("the bandit gate needs 1 <= k <= " + pool.size() + " experts, got k=" + k);
    }
    if (!(optimism >= 0) || Double.isInfinite(optimism)) {
      throw new IllegalArgumentException("optimism must be finite and >= 0, got " + optimism);
    }
    int size = means.dimension() + 1;
    this.means = means;
    this.k = k;
    this.optimism = optimism;
    this.spend = spend;
    this.variances = new double[pool.size() * size];
    Arrays.fill(variances, 1);
    this.outcomes = new double[pool.size()];
    this.expectedCosts = pool.prices.clone();
    if (weightsOrNull != null) {
      read(pool, weightsOrNull, size);
    }
    this.allRoutable = allRoutableExcept(pool.size(), NONE);
  }

  private void read(ExpertPool pool, WeightsSnapshot weights, int size) {
    String label = "weights v" + weights.version() + " for policy " + weights.policy();
    double[] counts = perExpert(weights, WeightsSnapshot.OUTCOMES, label);
    double[] costs = perExpert(weights, WeightsSnapshot.COST, label);
    for (int s = 0; s < weights.experts().size(); s++) {
      String expert = weights.experts().get(s);
      Integer index = pool.indexByName.get(expert);
      if (index == null) {
        continue;
      }
      double[] v = weights.block(WeightsSnapshot.VARIANCES, expert);
      if (v != null) {
        if (v.length != size) {
          throw new IllegalArgumentException(label + " have " + v.length + " variances for expert " + expert
              + ", expected " + size);
        }
        for (double each : v) {
          if (!(each >= 0) || Double.isInfinite(each)) {
            throw new IllegalArgumentException(label + ", block v:" + expert + " contains " + each);
          }
        }
        System.arraycopy(v, 0, variances, index * size, size);
      }
      if (counts != null && counts[s] > 0) {
        outcomes[index] = counts[s];
        if (costs != null) {
          expectedCosts[index] = costs[s];
        }
      }
    }
    // An expert without outcomes is expected to cost what the known ones do on average, unless its
    // configured price says more: exploring it is not free, and the spend controller must know.
    double known = 0;
    int knownCount = 0;
    for (int i = 0; i < outcomes.length; i++) {
      if (outcomes[i] > 0) {
        known += expectedCosts[i];
        knownCount++;
      }
    }
    for (int i = 0; i < outcomes.length && knownCount > 0; i++) {
      if (outcomes[i] == 0) {
        expectedCosts[i] = Math.max(expectedCosts[i], known / knownCount);
      }
    }
  }

  private static double[] perExpert(WeightsSnapshot weights, String block, String label) {
    double[] values = weights.parameters().get(block);
    if (values == null) {
      return null;
    }
    if (values.length != weights.experts().size()) {
      throw new IllegalArgumentException(label + " have " + values.length + " values in block " + block + " for "
          + weights.experts().size() + " experts");
    }
    for (double value : values) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(label + ", block " + block + " contains " + value);
      }
    }
    return values;
  }

  @Override
  double[] scores(RoutingInput input, float[] features) {
    double[] utility = means.score(features);
    double lambda = spend.lambda();
    int size = features.length + 1;
    for (int i = 0; i < utility.length; i++) {
      int offset = i * size;
      double variance = variances[offset + features.length];
      for (int j = 0; j < features.length; j++) {
        variance += features[j] * features[j] * variances[offset + j];
      }
      utility[i] += optimism * Math.sqrt(variance) - lambda * expectedCosts[i];
    }
    return utility;
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
    int cheapest = 0;
    boolean any = false;
    for (int i = 0; i < affordable.length; i++) {
      affordable[i] = expectedCosts[i] <= budget;
      any |= affordable[i];
      if (expectedCosts[i] < expectedCosts[cheapest]) {
        cheapest = i;
      }
    }
    if (!any) {
      affordable[cheapest] = true;
    }
    return affordable;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] utility, boolean[] routable) {
    int[] ranked = rank(utility, routable);
    return ranked.length <= k ? ranked : Arrays.copyOf(ranked, k);
  }

  @Override
  double[] gateWeights(double[] utility, int[] chosen) {
    return softmaxWeights(utility, chosen);
  }

  @Override
  int maxOwnRouted() {
    return k;
  }

  @Override
  double[] outcomes() {
    return outcomes;
  }

  @Override
  void selected(int[] chosen) {
    double cost = 0;
    for (int expert : chosen) {
      cost += expectedCosts[expert];
    }
    spend.charge(cost);
  }
}
