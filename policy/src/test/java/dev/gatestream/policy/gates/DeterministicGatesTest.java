package dev.gatestream.policy.gates;

import static dev.gatestream.policy.gates.Fixtures.ONE;
import static dev.gatestream.policy.gates.Fixtures.biases;
import static dev.gatestream.policy.gates.Fixtures.experts;
import static dev.gatestream.policy.gates.Fixtures.input;
import static dev.gatestream.policy.gates.Fixtures.names;
import static dev.gatestream.policy.gates.Fixtures.weightSum;
import static dev.gatestream.policy.gates.Fixtures.withBudget;
import static dev.gatestream.policy.gates.Fixtures.withTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.gates.SuccessPredictorGate.Mode;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeterministicGatesTest {

  private final SplittableRandom random = new SplittableRandom(1);

  private Selection select(
      GateSpec spec, List<Expert> experts, double[] biases, RoutingInput input) {
    return Gates.create(spec, experts, 1, biases(biases)).select(input, ONE, random);
  }

  @Test
  void softmaxTopKPicksTheHighestScoresWeightedBySoftmaxAmongThem() {
    Selection selection =
        select(GateSpec.softmaxTopK(2), experts(4), new double[] {0.5, 2, -1, 1}, input());

    assertThat(names(selection)).containsExactly("e1", "e3");
    double expectedTop = Math.exp(2) / (Math.exp(2) + Math.exp(1));
    assertThat(selection.chosen().get(0).gateWeight()).isCloseTo(expectedTop, within(1e-12));
    assertThat(weightSum(selection)).isCloseTo(1, within(1e-12));
    assertThat(selection.chosen()).extracting(Choice::propensity).containsOnly(1.0);
    assertThat(selection.candidatePropensities())
        .containsExactlyInAnyOrderEntriesOf(Map.of("e0", 0.0, "e1", 1.0, "e2", 0.0, "e3", 1.0));
    assertThat(selection.scores())
        .containsExactlyInAnyOrderEntriesOf(Map.of("e0", 0.5, "e1", 2.0, "e2", -1.0, "e3", 1.0));
  }

  @Test
  void withoutWeightsEveryScoreIsZeroAndTheGateIsVersionZero() {
    Gate gate = Gates.create(GateSpec.softmaxTopK(2), experts(4), 3, null);
    Selection selection = gate.select(input(), new float[] {1, 2, 3}, random);
    assertThat(gate.version()).isZero();
    assertThat(selection.scores().values()).containsOnly(0.0);
    assertThat(selection.chosen()).extracting(Choice::gateWeight).containsOnly(0.5);
  }

  @Test
  void scoresAreTheLinearModelOfTheFeatures() {
    Map<String, double[]> parameters =
        Map.of(
            "w:a", new double[] {1, 0, 2},
            "w:b", new double[] {0, -1, 0},
            "b", new double[] {0.5, 0.25});
    WeightsSnapshot snapshot = new WeightsSnapshot("p", 9, List.of("a", "b"), 3, parameters);
    Gate gate =
        Gates.create(
            GateSpec.softmaxTopK(1), List.of(new Expert("a", 0), new Expert("b", 0)), 3, snapshot);
    Selection selection = gate.select(input(), new float[] {1, 2, 3}, random);
    assertThat(gate.version()).isEqualTo(9);
    assertThat(selection.scores()).containsEntry("a", 7.5).containsEntry("b", -1.75);
  }

  @Test
  void topPAsksOneExpertWhenConfidentAndMoreWhenUnsure() {
    GateSpec spec = GateSpec.topP(0.8, 3);
    Selection confident = select(spec, experts(5), new double[] {5, 0, 0, 0, 0}, input());
    assertThat(names(confident)).containsExactly("e0");

    Selection unsure = select(spec, experts(5), new double[] {1, 1.1, 0.9, 1.05, 0}, input());
    assertThat(names(unsure)).containsExactly("e1", "e3", "e0");
    assertThat(weightSum(unsure)).isCloseTo(1, within(1e-12));
  }

  @Test
  void topPStopsAsSoonAsTheMassIsReached() {
    // softmax of {ln 6, ln 3, ln 1} = {0.6, 0.3, 0.1}: p = 0.9 needs the first two.
    Selection selection =
        select(
            GateSpec.topP(0.9, 3), experts(3), new double[] {Math.log(6), Math.log(3), 0}, input());
    assertThat(names(selection)).containsExactly("e0", "e1");
  }

  @Test
  void sigmoidAddsSharedExpertsAlwaysAndNormalizesSigmoids() {
    Selection selection =
        select(GateSpec.sigmoid(1, List.of("e3")), experts(4), new double[] {0, 2, 1, -1}, input());

    assertThat(names(selection)).containsExactly("e1", "e3");
    double s1 = 1 / (1 + Math.exp(-2));
    double s3 = 1 / (1 + Math.exp(1));
    assertThat(selection.chosen().get(0).gateWeight()).isCloseTo(s1 / (s1 + s3), within(1e-12));
    assertThat(selection.candidatePropensities())
        .containsEntry("e3", 1.0)
        .containsEntry("e1", 1.0)
        .containsEntry("e2", 0.0);
  }

  @Test
  void sigmoidNeverRoutesToASharedExpertTwice() {
    Selection selection =
        select(GateSpec.sigmoid(2, List.of("e0")), experts(4), new double[] {9, 1, 2, 0}, input());
    assertThat(names(selection)).containsExactlyInAnyOrder("e0", "e2", "e1");
  }

  @Test
  void taskRulesRouteByTaskWithEqualWeights() {
    GateSpec spec = GateSpec.taskRules(Map.of("code", List.of("e2", "e0")), List.of("e1"));
    Gate gate = Gates.create(spec, experts(3), 0, null);
    Selection code = gate.select(withTask("code"), new float[0], random);
    assertThat(names(code)).containsExactly("e2", "e0");
    assertThat(code.chosen()).extracting(Choice::gateWeight).containsOnly(0.5);
    assertThat(code.chosen()).extracting(Choice::propensity).containsOnly(1.0);
    assertThat(names(gate.select(withTask("chat"), new float[0], random))).containsExactly("e1");
    assertThat(names(gate.select(withTask(null), new float[0], random))).containsExactly("e1");
  }

  // Prices: e0 0.001, e1 0.002, e2 0.003, e3 0.004.
  private static final double[] SUCCESS_LOGITS = {-1, 0.5, 2, 3};

  @Test
  void successPredictorPicksTheCheapestGoodEnoughExpert() {
    Selection selection =
        select(
            GateSpec.successPredictor(Mode.CHEAPEST_ABOVE_THRESHOLD, 0.6, 0),
            experts(4),
            SUCCESS_LOGITS,
            input());
    assertThat(names(selection)).containsExactly("e1");
    assertThat(selection.scores().get("e1")).isCloseTo(1 / (1 + Math.exp(-0.5)), within(1e-12));
    assertThat(selection.chosen().get(0).gateWeight()).isEqualTo(1.0);
  }

  @Test
  void successPredictorFallsBackToTheBestWhenNoneIsGoodEnough() {
    Selection selection =
        select(
            GateSpec.successPredictor(Mode.CHEAPEST_ABOVE_THRESHOLD, 0.99, 0),
            experts(4),
            SUCCESS_LOGITS,
            input());
    assertThat(names(selection)).containsExactly("e3");
  }

  @Test
  void successPredictorTradesSuccessAgainstPrice() {
    GateSpec cheapMinded = GateSpec.successPredictor(Mode.NET_UTILITY, 0, 100);
    GateSpec qualityMinded = GateSpec.successPredictor(Mode.NET_UTILITY, 0, 1);
    // Utilities at λ=100: e0 .269-.1, e1 .622-.2, e2 .881-.3, e3 .953-.4 → e2 (.581).
    assertThat(names(select(cheapMinded, experts(4), SUCCESS_LOGITS, input())))
        .containsExactly("e2");
    assertThat(names(select(qualityMinded, experts(4), SUCCESS_LOGITS, input())))
        .containsExactly("e3");
  }

  @Test
  void theCostBudgetLeavesOutPricierExperts() {
    GateSpec spec = GateSpec.successPredictor(Mode.CHEAPEST_ABOVE_THRESHOLD, 0.99, 0);
    assertThat(names(select(spec, experts(4), SUCCESS_LOGITS, withBudget(0.0025))))
        .containsExactly("e1");
    assertThat(names(select(spec, experts(4), SUCCESS_LOGITS, withBudget(0.0001))))
        .containsExactly("e0");
    assertThatThrownBy(() -> select(spec, experts(4), SUCCESS_LOGITS, withBudget(Double.NaN)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("cost budget must be a number >= 0, got NaN");
  }

  @Test
  void broadcastAddsNearTiesUpToTheCap() {
    GateSpec spec = GateSpec.softmaxTopK(1).withBroadcast(0.2, 3);
    assertThat(names(select(spec, experts(5), new double[] {1, 0.95, 0.9, 0.85, 0}, input())))
        .containsExactly("e0", "e1", "e2");
    assertThat(names(select(spec, experts(5), new double[] {1, 0.5, 0.9, 0, 0}, input())))
        .containsExactly("e0", "e2");
    assertThat(names(select(spec, experts(5), new double[] {1, 0.5, 0, 0, 0}, input())))
        .containsExactly("e0");
  }

  @Test
  void broadcastOnTheSuccessPredictorComparesPredictedSuccess() {
    GateSpec spec = GateSpec.successPredictor(Mode.NET_UTILITY, 0, 0).withBroadcast(0.1, 2);
    Selection selection = select(spec, experts(4), SUCCESS_LOGITS, input());
    // σ(3)=.953, σ(2)=.881: within 0.1, so both are asked.
    assertThat(names(selection)).containsExactly("e3", "e2");
    assertThat(weightSum(selection)).isCloseTo(1, within(1e-12));
  }

  @Test
  void selectionsAreImmutable() {
    Selection selection =
        select(GateSpec.softmaxTopK(2), experts(3), new double[] {1, 2, 3}, input());
    assertThatThrownBy(() -> selection.chosen().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> selection.scores().put("e0", 1.0))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> selection.candidatePropensities().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
