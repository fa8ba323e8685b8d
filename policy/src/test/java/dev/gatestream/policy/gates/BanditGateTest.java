package dev.gatestream.policy.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BanditGateTest {

  private static final List<Expert> PRICED =
      List.of(new Expert("cheap", 0.001), new Expert("dear", 0.03));
  private static final RoutingInput INPUT = new RoutingInput("r1", null, null, null, null);

  /**
   * Two experts on one feature: predicted quality, variances (weight, bias), outcomes and mean
   * costs.
   */
  private static WeightsSnapshot snapshot(
      double[] quality, double[] variance, double[] outcomes, double[] cost) {
    Map<String, double[]> parameters = new HashMap<>();
    String[] names = {"cheap", "dear"};
    for (int i = 0; i < 2; i++) {
      parameters.put(WeightsSnapshot.WEIGHTS + names[i], new double[] {0});
      parameters.put(WeightsSnapshot.VARIANCES + names[i], new double[] {0, variance[i]});
    }
    parameters.put(WeightsSnapshot.BIAS, quality);
    parameters.put(WeightsSnapshot.OUTCOMES, outcomes);
    parameters.put(WeightsSnapshot.COST, cost);
    return new WeightsSnapshot("p", 5, List.of(names), 1, parameters);
  }

  private static String choice(Gate gate) {
    return gate.select(INPUT, Fixtures.ONE, new SplittableRandom(1)).chosen().get(0).expert();
  }

  @Test
  void optimismTriesWhatLittleIsKnownOfAndFadesWithEvidence() {
    WeightsSnapshot unsure =
        snapshot(
            new double[] {0.8, 0.7},
            new double[] {0.0001, 1},
            new double[] {100, 1},
            new double[] {0.001, 0.03});
    WeightsSnapshot known =
        snapshot(
            new double[] {0.8, 0.7},
            new double[] {0.0001, 0.0001},
            new double[] {100, 100},
            new double[] {0.001, 0.03});

    assertThat(choice(Gates.create(GateSpec.bandit(1, 0.2, 0), PRICED, 1, unsure)))
        .isEqualTo("dear");
    assertThat(choice(Gates.create(GateSpec.bandit(1, 0.2, 0), PRICED, 1, known)))
        .isEqualTo("cheap");
  }

  @Test
  void pricesTheLearnedCostAndTheConfiguredPriceUntilThen() {
    WeightsSnapshot better =
        snapshot(
            new double[] {0.7, 0.9},
            new double[] {0, 0},
            new double[] {50, 50},
            new double[] {0.001, 0.002});
    // Learned costs: 0.2 of quality is worth more than 0.001 USD at lambda 10, not at lambda 500.
    assertThat(choice(Gates.create(GateSpec.bandit(1, 0, 10), PRICED, 1, better)))
        .isEqualTo("dear");
    assertThat(choice(Gates.create(GateSpec.bandit(1, 0, 500), PRICED, 1, better)))
        .isEqualTo("cheap");
    // No outcome of "dear" yet: its configured price, 0.03, is what it is expected to cost.
    WeightsSnapshot unseen =
        snapshot(
            new double[] {0.7, 0.9},
            new double[] {0, 0},
            new double[] {50, 0},
            new double[] {0.001, 0});
    assertThat(choice(Gates.create(GateSpec.bandit(1, 0, 10), PRICED, 1, unseen)))
        .isEqualTo("cheap");
  }

  @Test
  void aCostBudgetLeavesOutWhatItCannotPay() {
    WeightsSnapshot better =
        snapshot(
            new double[] {0.7, 0.9},
            new double[] {0, 0},
            new double[] {50, 50},
            new double[] {0.001, 0.03});
    Gate gate = Gates.create(GateSpec.bandit(1, 0, 0), PRICED, 1, better);
    RoutingInput capped = new RoutingInput("r1", null, null, null, 0.01);
    RoutingInput broke = new RoutingInput("r2", null, null, null, 0.0);

    assertThat(choice(gate)).isEqualTo("dear");
    assertThat(gate.select(capped, Fixtures.ONE, new SplittableRandom(1)).chosen().get(0).expert())
        .isEqualTo("cheap");
    assertThat(gate.select(broke, Fixtures.ONE, new SplittableRandom(1)).chosen().get(0).expert())
        .isEqualTo("cheap");
  }

  @Test
  void theSpendControllerHoldsTheTargetAcrossWeightSwaps() {
    // Quality rises with price; the controller must find the mix of the three that spends 0.01 per
    // request.
    List<Expert> experts =
        List.of(new Expert("a", 0.001), new Expert("b", 0.01), new Expert("c", 0.05));
    Map<String, double[]> parameters = new HashMap<>();
    for (String name : List.of("a", "b", "c")) {
      parameters.put(WeightsSnapshot.WEIGHTS + name, new double[] {0});
    }
    parameters.put(WeightsSnapshot.BIAS, new double[] {0.5, 0.7, 0.8});
    WeightsSnapshot weights = new WeightsSnapshot("p", 1, List.of("a", "b", "c"), 1, parameters);
    SpendController spend = new SpendController(0, 0.01, 0.05);
    GateSpec spec = GateSpec.bandit(1, 0, 0).withSpendTarget(0.01, 0.05);
    SplittableRandom random = new SplittableRandom(3);
    double spent = 0;
    int counted = 0;
    for (int i = 0; i < 20_000; i++) {
      // A new gate every 100 decisions, as weight swaps make them: the price must carry over.
      Gate gate = Gates.create(spec, experts, 1, weights, spend);
      for (int j = 0; j < 100 && i < 20_000; j++, i++) {
        String expert = gate.select(INPUT, Fixtures.ONE, random).chosen().get(0).expert();
        if (i >= 10_000) {
          spent +=
              experts.stream()
                  .filter(e -> e.name().equals(expert))
                  .findFirst()
                  .orElseThrow()
                  .pricePerCall();
          counted++;
        }
      }
    }
    assertThat(spent / counted).isCloseTo(0.01, offset(0.0005));
  }

  @Test
  void refusesWeightsItCannotRead() {
    WeightsSnapshot negative =
        snapshot(
            new double[] {0.7, 0.9},
            new double[] {-1, 0},
            new double[] {1, 1},
            new double[] {0, 0});
    assertThatThrownBy(() -> Gates.create(GateSpec.bandit(1, 0.1, 0), PRICED, 1, negative))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights v5 for policy p, block v:cheap contains -1.0");
    assertThatThrownBy(() -> Gates.create(GateSpec.bandit(3, 0.1, 0), PRICED, 1, null))
        .hasMessage("the bandit gate needs 1 <= k <= 2 experts, got k=3");
  }

  @Test
  void epsilonDecaysWithEvidenceAndItsDrawsGoToNewcomersFirst() {
    List<Expert> three =
        List.of(new Expert("cheap", 0), new Expert("dear", 0), new Expert("new", 0));
    Map<String, double[]> parameters = new HashMap<>();
    for (String name : List.of("cheap", "dear")) {
      parameters.put(WeightsSnapshot.WEIGHTS + name, new double[] {0});
    }
    parameters.put(WeightsSnapshot.BIAS, new double[] {0.9, 0.5});
    parameters.put(WeightsSnapshot.OUTCOMES, new double[] {2000, 1000});
    parameters.put(WeightsSnapshot.COST, new double[] {0, 0});
    WeightsSnapshot weights = new WeightsSnapshot("p", 1, List.of("cheap", "dear"), 1, parameters);
    GateSpec spec = GateSpec.bandit(1, 0, 0).withEpsilonGreedy(0.2).withExplorationDecay(1000, 5);

    EpsilonGreedyGate gate = (EpsilonGreedyGate) Gates.create(spec, three, 1, weights);
    Selection selection = gate.select(INPUT, Fixtures.ONE, new SplittableRandom(1));

    // 3,000 examples: epsilon 0.2 * sqrt(1000 / 4000) = 0.1, all of it on the expert without
    // outcomes.
    assertThat(gate.epsilon()).isCloseTo(0.1, offset(1e-12));
    assertThat(selection.candidatePropensities())
        .containsEntry("cheap", 0.9)
        .containsEntry("dear", 0.0);
    assertThat(selection.candidatePropensities().get("new")).isCloseTo(0.1, offset(1e-12));
    int drawn = 0;
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 20_000; i++) {
      drawn +=
          gate.select(INPUT, Fixtures.ONE, random).chosen().get(0).expert().equals("new") ? 1 : 0;
    }
    assertThat(drawn / 20_000.0).isCloseTo(0.1, offset(0.01));
  }
}
