package dev.gatestream.policy.gates;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.Arrays;

/**
 * The k experts of highest utility, learned quality minus λ·ĉ for some quality estimate, the
 * expected cost ĉ being the expert's learned mean cost per call, or its configured price until it
 * has an outcome. λ is the spend controller's, fixed or held at a spend target; every final
 * selection (exploration included) is charged to it. A request's cost budget leaves out experts
 * expected to cost more (all of them: the cheapest).
 */
abstract class PricedTopKGate extends DeterministicGate {

  final double[] expectedCosts;
  private final double[] outcomes;
  private final int k;
  private final SpendController spend;
  private final boolean[] allRoutable;

  PricedTopKGate(
      String name,
      ExpertPool pool,
      long version,
      WeightsSnapshot weightsOrNull,
      int k,
      SpendController spend) {
    super(pool, version, 0, k);
    if (k < 1 || k > pool.size()) {
      throw new IllegalArgumentException(
          "the " + name + " gate needs 1 <= k <= " + pool.size() + " experts, got k=" + k);
    }
    this.k = k;
    this.spend = spend;
    this.outcomes = new double[pool.size()];
    this.expectedCosts = pool.prices.clone();
    if (weightsOrNull != null) {
      readOutcomesAndCosts(weightsOrNull);
    }
    this.allRoutable = allRoutableExcept(pool.size(), NONE);
  }

  private void readOutcomesAndCosts(WeightsSnapshot weights) {
    String label = label(weights);
    double[] counts = perExpert(weights, WeightsSnapshot.OUTCOMES, label);
    double[] costs = perExpert(weights, WeightsSnapshot.COST, label);
    for (int s = 0; s < weights.experts().size(); s++) {
      Integer index = pool.indexByName.get(weights.experts().get(s));
      if (index != null && counts != null && counts[s] > 0) {
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

  static String label(WeightsSnapshot weights) {
    return "weights v" + weights.version() + " for policy " + weights.policy();
  }

  private static double[] perExpert(WeightsSnapshot weights, String block, String label) {
    double[] values = weights.parameters().get(block);
    if (values == null) {
      return null;
    }
    if (values.length != weights.experts().size()) {
      throw new IllegalArgumentException(
          label
              + " have "
              + values.length
              + " values in block "
              + block
              + " for "
              + weights.experts().size()
              + " experts");
    }
    requireNonNegative(values, label + ", block " + block);
    return values;
  }

  static void requireNonNegative(double[] values, String what) {
    for (double value : values) {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(what + " contains " + value);
      }
    }
  }

  /** The price of cost in quality units for this decision. */
  final double lambda() {
    return spend.lambda();
  }

  @Override
  final boolean[] routable(RoutingInput input) {
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
  final int[] chooseRouted(RoutingInput input, double[] utility, boolean[] routable) {
    int[] ranked = rank(utility, routable);
    return ranked.length <= k ? ranked : Arrays.copyOf(ranked, k);
  }

  @Override
  final double[] gateWeights(double[] utility, int[] chosen) {
    return softmaxWeights(utility, chosen);
  }

  @Override
  final int maxOwnRouted() {
    return k;
  }

  @Override
  final double[] outcomes() {
    return outcomes;
  }

  @Override
  final void selected(int[] chosen) {
    double cost = 0;
    for (int expert : chosen) {
      cost += expectedCosts[expert];
    }
    spend.charge(cost);
  }
}
