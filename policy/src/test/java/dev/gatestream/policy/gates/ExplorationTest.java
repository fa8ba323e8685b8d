package dev.gatestream.policy.gates;

import static dev.gatestream.policy.gates.Fixtures.ONE;
import static dev.gatestream.policy.gates.Fixtures.biases;
import static dev.gatestream.policy.gates.Fixtures.experts;
import static dev.gatestream.policy.gates.Fixtures.input;
import static dev.gatestream.policy.gates.PlackettLuceTest.tolerance;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.gates.SuccessPredictorGate.Mode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The reported propensities must be the real selection frequencies, or off-policy evaluation is
 * biased: these tests draw 100,000 selections and compare. Propensities must not depend on the
 * draw, so every selection must report the same candidate propensities.
 */
class ExplorationTest {

  private static final int DRAWS = 100_000;
  private static final double[] BIASES = {2, 1.5, 0.3, 0, -0.5, -1};

  private static void assertPropensitiesAreFrequencies(
      Gate gate, RoutingInput input, int expectedSize) {
    SplittableRandom random = new SplittableRandom(2024);
    Map<String, Integer> counts = new HashMap<>();
    Map<String, Double> reported = gate.select(input, ONE, random).candidatePropensities();
    for (int draw = 0; draw < DRAWS; draw++) {
      Selection selection = gate.select(input, ONE, random);
      assertThat(selection.candidatePropensities()).isEqualTo(reported);
      assertThat(selection.chosen()).hasSize(expectedSize);
      assertThat(selection.chosen().stream().mapToDouble(Choice::gateWeight).sum())
          .isCloseTo(1, within(1e-9));
      for (Choice choice : selection.chosen()) {
        assertThat(choice.propensity()).isEqualTo(reported.get(choice.expert())).isPositive();
        counts.merge(choice.expert(), 1, Integer::sum);
      }
    }
    reported.forEach(
        (expert, propensity) -> {
          double frequency = counts.getOrDefault(expert, 0) / (double) DRAWS;
          assertThat(frequency)
              .as("frequency of %s", expert)
              .isCloseTo(propensity, within(tolerance(propensity, DRAWS)));
        });
  }

  @Test
  void epsilonGreedyReportsItsMarginals() {
    Gate gate =
        Gates.create(GateSpec.softmaxTopK(2).withEpsilonGreedy(0.2), experts(6), 1, biases(BIASES));
    Map<String, Double> propensities =
        gate.select(input(), ONE, new SplittableRandom(1)).candidatePropensities();
    assertThat(propensities.get("e0")).isCloseTo(0.8 + 0.2 * 2 / 6, within(1e-12));
    assertThat(propensities.get("e5")).isCloseTo(0.2 * 2 / 6, within(1e-12));
    assertPropensitiesAreFrequencies(gate, input(), 2);
  }

  @Test
  void epsilonGreedyKeepsSharedExpertsAndExploresAmongTheRest() {
    Gate gate =
        Gates.create(
            GateSpec.sigmoid(2, List.of("e5")).withEpsilonGreedy(0.3),
            experts(6),
            1,
            biases(BIASES));
    Map<String, Double> propensities =
        gate.select(input(), ONE, new SplittableRandom(1)).candidatePropensities();
    assertThat(propensities.get("e5")).isEqualTo(1.0);
    assertThat(propensities.get("e4")).isCloseTo(0.3 * 2 / 5, within(1e-12));
    assertPropensitiesAreFrequencies(gate, input(), 3);
  }

  @Test
  void epsilonGreedyExploresOnlyWithinTheCostBudget() {
    Gate gate =
        Gates.create(
            GateSpec.successPredictor(Mode.NET_UTILITY, 0, 0).withEpsilonGreedy(0.5),
            experts(6),
            1,
            biases(BIASES));
    RoutingInput budgeted = Fixtures.withBudget(0.0035);
    Map<String, Double> propensities =
        gate.select(budgeted, ONE, new SplittableRandom(1)).candidatePropensities();
    assertThat(propensities.get("e3")).isZero();
    assertThat(propensities.get("e0")).isCloseTo(0.5 + 0.5 / 3, within(1e-12));
    assertPropensitiesAreFrequencies(gate, budgeted, 1);
  }

  @Test
  void epsilonGreedyUsesTheSizeTopPChoseForThisInput() {
    Gate gate =
        Gates.create(GateSpec.topP(0.7, 4).withEpsilonGreedy(0.25), experts(6), 1, biases(BIASES));
    assertPropensitiesAreFrequencies(gate, input(), 2);
  }

  @Test
  void temperatureSamplingReportsExactInclusionProbabilities() {
    Gate gate =
        Gates.create(
            GateSpec.softmaxTopK(2).withTemperatureSampling(1.5), experts(6), 1, biases(BIASES));
    Map<String, Double> propensities =
        gate.select(input(), ONE, new SplittableRandom(1)).candidatePropensities();
    assertThat(propensities.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(2, within(1e-9));
    assertPropensitiesAreFrequencies(gate, input(), 2);
  }

  @Test
  void temperatureSamplingOfThreeWithASharedExpert() {
    Gate gate =
        Gates.create(
            GateSpec.sigmoid(3, List.of("e0")).withTemperatureSampling(0.7),
            experts(6),
            1,
            biases(BIASES));
    assertPropensitiesAreFrequencies(gate, input(), 4);
  }

  @Test
  void aLowTemperatureApproachesTheGatesOwnChoice() {
    Gate gate =
        Gates.create(
            GateSpec.softmaxTopK(2).withTemperatureSampling(0.01), experts(6), 1, biases(BIASES));
    Map<String, Double> propensities =
        gate.select(input(), ONE, new SplittableRandom(1)).candidatePropensities();
    assertThat(propensities.get("e0")).isCloseTo(1, within(1e-9));
    assertThat(propensities.get("e1")).isCloseTo(1, within(1e-9));
    assertThat(propensities.get("e5")).isPositive().isLessThan(1e-9);
  }

  @Test
  void temperatureSamplingOfTheSuccessPredictorWeighsPriceAsTheGateDoes() {
    double lambda = 100;
    Gate gate =
        Gates.create(
            GateSpec.successPredictor(Mode.NET_UTILITY, 0, lambda).withTemperatureSampling(0.25),
            experts(6),
            1,
            biases(BIASES));
    Map<String, Double> propensities =
        gate.select(input(), ONE, new SplittableRandom(1)).candidatePropensities();

    // Softmax over net utility σ(bias) - λ·price: e1 is 0.001 dearer than e0, so λ·0.001 = 0.1
    // further down.
    double utility0 = SigmoidGate.sigmoid(BIASES[0]) - lambda * 0.001;
    double utility1 = SigmoidGate.sigmoid(BIASES[1]) - lambda * 0.002;
    assertThat(propensities.get("e0") / propensities.get("e1"))
        .isCloseTo(Math.exp((utility0 - utility1) / 0.25), within(1e-9));
    assertPropensitiesAreFrequencies(gate, input(), 1);
  }
}
