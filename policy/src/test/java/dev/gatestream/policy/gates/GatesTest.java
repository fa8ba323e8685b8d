package dev.gatestream.policy.gates;

import static dev.gatestream.policy.gates.Fixtures.experts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.gates.SuccessPredictorGate.Mode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GatesTest {

  @Test
  void buildsEachKindWithItsExploration() {
    assertThat(Gates.create(GateSpec.softmaxTopK(2), experts(4), 8, null))
        .isInstanceOf(SoftmaxTopKGate.class);
    assertThat(Gates.create(GateSpec.topP(0.9, 3), experts(4), 8, null))
        .isInstanceOf(TopPGate.class);
    assertThat(Gates.create(GateSpec.sigmoid(1, List.of("e0")), experts(4), 8, null))
        .isInstanceOf(SigmoidGate.class);
    assertThat(Gates.create(GateSpec.successPredictor(Mode.NET_UTILITY, 0, 1), experts(4), 8, null))
        .isInstanceOf(SuccessPredictorGate.class);
    assertThat(Gates.create(GateSpec.taskRules(Map.of(), List.of("e1")), experts(4), 8, null))
        .isInstanceOf(TaskRulesGate.class);
    assertThat(Gates.create(GateSpec.softmaxTopK(2).withEpsilonGreedy(0.1), experts(4), 8, null))
        .isInstanceOf(EpsilonGreedyGate.class);
    assertThat(Gates.create(GateSpec.topP(0.5, 2).withTemperatureSampling(2), experts(4), 8, null))
        .isInstanceOf(TemperatureSamplingGate.class);
  }

  @Test
  void parsesConfigurationIds() {
    assertThat(GateSpec.Kind.fromId("softmax-top-k")).isEqualTo(GateSpec.Kind.SOFTMAX_TOP_K);
    assertThat(GateSpec.Exploration.fromId("temperature"))
        .isEqualTo(GateSpec.Exploration.TEMPERATURE);
    assertThat(Mode.fromId("net-utility")).isEqualTo(Mode.NET_UTILITY);
    assertThatThrownBy(() -> GateSpec.Kind.fromId("mixture"))
        .hasMessage(
            "unknown gate kind 'mixture', expected bandit, task-rules, softmax-top-k, top-p, sigmoid, success-predictor, knn or cascade");
  }

  @Test
  void refusesWeightsOfAnotherDimension() {
    WeightsSnapshot snapshot =
        new WeightsSnapshot(
            "X", 7, List.of("e0"), 128, Map.of("w:e0", new double[128], "b", new double[1]));
    assertThatThrownBy(() -> Gates.create(GateSpec.softmaxTopK(1), experts(2), 384, snapshot))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weights v7 for policy X have dimension 128, the featurizer gives 384");
  }

  @Test
  void refusesMalformedWeightBlocks() {
    WeightsSnapshot shortBlock =
        new WeightsSnapshot(
            "X", 7, List.of("e0"), 4, Map.of("w:e0", new double[3], "b", new double[1]));
    assertThatThrownBy(() -> Gates.create(GateSpec.softmaxTopK(1), experts(2), 4, shortBlock))
        .hasMessage("weights v7 for policy X have 3 weights for expert e0, expected 4");
    WeightsSnapshot fewBiases =
        new WeightsSnapshot("X", 7, List.of("e0", "e1"), 4, Map.of("b", new double[1]));
    assertThatThrownBy(() -> Gates.create(GateSpec.softmaxTopK(1), experts(2), 4, fewBiases))
        .hasMessage("weights v7 for policy X have 1 biases for 2 experts");
    WeightsSnapshot nan =
        new WeightsSnapshot("X", 7, List.of("e0"), 1, Map.of("w:e0", new double[] {Double.NaN}));
    assertThatThrownBy(() -> Gates.create(GateSpec.softmaxTopK(1), experts(2), 1, nan))
        .hasMessage("weights v7 for policy X, block w:e0 contains NaN");
  }

  @Test
  void ignoresUnconfiguredExpertsAndZeroesMissingOnes() {
    // The snapshot knows "retired" and "a" but not "b"; biases follow the snapshot's expert order.
    WeightsSnapshot snapshot =
        new WeightsSnapshot(
            "p",
            2,
            List.of("retired", "a"),
            1,
            Map.of(
                "w:retired",
                new double[] {5},
                "w:a",
                new double[] {1},
                "b",
                new double[] {9, 0.5}));
    Gate gate =
        Gates.create(
            GateSpec.softmaxTopK(1), List.of(new Expert("a", 0), new Expert("b", 0)), 1, snapshot);
    Selection selection = gate.select(Fixtures.input(), new float[] {2}, new SplittableRandom(1));
    assertThat(selection.scores())
        .containsOnlyKeys("a", "b")
        .containsEntry("a", 2.5)
        .containsEntry("b", 0.0);
  }

  @Test
  void refusesFeaturesOfAnotherDimensionAtDecisionTime() {
    Gate gate = Gates.create(GateSpec.softmaxTopK(1), experts(2), 4, null);
    assertThatThrownBy(() -> gate.select(Fixtures.input(), new float[3], new SplittableRandom(1)))
        .hasMessage("features have 3 values, the gate expects 4");
  }

  @Test
  void explainsInvalidSpecs() {
    assertThatThrownBy(() -> Gates.create(GateSpec.softmaxTopK(5), experts(4), 1, null))
        .hasMessage("softmax-top-k needs 1 <= k <= 4 experts, got k=5");
    assertThatThrownBy(() -> Gates.create(GateSpec.topP(1.5, 2), experts(4), 1, null))
        .hasMessage("top-p needs 0 < p <= 1, got 1.5");
    assertThatThrownBy(() -> Gates.create(GateSpec.sigmoid(4, List.of("e0")), experts(4), 1, null))
        .hasMessage("sigmoid needs 1 <= k <= 3 routed (non-shared) experts, got k=4");
    assertThatThrownBy(
            () -> Gates.create(GateSpec.sigmoid(1, List.of("nope")), experts(4), 1, null))
        .hasMessageStartingWith(
            "the shared expert list names expert nope, which is not among the configured");
    assertThatThrownBy(
            () ->
                Gates.create(
                    GateSpec.taskRules(Map.of("x", List.of("e0", "e0")), List.of("e1")),
                    experts(4),
                    1,
                    null))
        .hasMessage("the rule for task x lists expert e0 twice");
    assertThatThrownBy(
            () -> Gates.create(GateSpec.softmaxTopK(1).withEpsilonGreedy(0), experts(4), 1, null))
        .hasMessage("epsilon must be in (0, 1], got 0.0");
    assertThatThrownBy(
            () ->
                Gates.create(
                    GateSpec.softmaxTopK(1),
                    List.of(new Expert("a", 0), new Expert("a", 1)),
                    1,
                    null))
        .hasMessage("expert a is configured twice");
  }

  @Test
  void refusesTemperatureExplorationItCannotComputeExactly() {
    assertThatThrownBy(
            () ->
                Gates.create(
                    GateSpec.softmaxTopK(6).withTemperatureSampling(1), experts(40), 1, null))
        .hasMessage(
            "temperature exploration choosing up to 6 of 40 experts needs exact inclusion probabilities"
                + " over more than 200000 subsets; lower k/maxK or use epsilon exploration");
  }
}
