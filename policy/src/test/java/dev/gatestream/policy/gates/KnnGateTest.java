package dev.gatestream.policy.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KnnGateTest {

  private static final List<Expert> EXPERTS =
      List.of(new Expert("maths", 0.001), new Expert("prose", 0.002));
  private static final RoutingInput INPUT = new RoutingInput("r1", null, null, null, null);

  /** Two centroids on the axes of a plane: maths is good near the first, prose near the second. */
  private static WeightsSnapshot twoRegions(double outcomes) {
    return new WeightsSnapshot(
        "p",
        4,
        List.of("maths", "prose"),
        2,
        Map.of(
            WeightsSnapshot.KNN_CENTROIDS, new double[] {1, 0, 0, 1},
            WeightsSnapshot.KNN_COUNTS, new double[] {outcomes, outcomes, outcomes, outcomes},
            WeightsSnapshot.KNN_MEANS, new double[] {0.9, 0.2, 0.3, 0.8},
            WeightsSnapshot.OUTCOMES, new double[] {2 * outcomes, 2 * outcomes},
            WeightsSnapshot.COST, new double[] {0.001, 0.002}));
  }

  private static String choice(Gate gate, float... x) {
    return gate.select(INPUT, x, new SplittableRandom(1)).chosen().get(0).expert();
  }

  @Test
  void picksTheExpertThatIsBestNearTheRequest() {
    Gate nearest = Gates.create(GateSpec.knn(1, 1, 0.1, 0), EXPERTS, 2, twoRegions(50));
    Gate pooled = Gates.create(GateSpec.knn(1, 2, 0.1, 0), EXPERTS, 2, twoRegions(50));

    assertThat(choice(nearest, 1, 0.2f)).isEqualTo("maths");
    assertThat(choice(nearest, 0.2f, 1)).isEqualTo("prose");
    // Pooling both centroids weighs them by similarity: the nearer one still decides.
    assertThat(choice(pooled, 1, 0.6f)).isEqualTo("maths");
    assertThat(choice(pooled, 0.6f, 1)).isEqualTo("prose");
  }

  @Test
  void utilityIsThePooledMeanPlusOptimismMinusPrice() {
    Gate gate = Gates.create(GateSpec.knn(1, 2, 0.5, 10), EXPERTS, 2, twoRegions(3));

    Selection selection = gate.select(INPUT, new float[] {3, 4}, new SplittableRandom(1));

    // Similarities 0.6 and 0.8; maths: n = 1.4·3, μ = (0.6·4·0.9 + 0.8·4·0.3) / (1.4·4).
    double n = 1.4 * 3;
    double maths = (0.6 * 0.9 + 0.8 * 0.3) / 1.4 + 0.5 / Math.sqrt(1 + n) - 10 * 0.001;
    double prose = (0.6 * 0.2 + 0.8 * 0.8) / 1.4 + 0.5 / Math.sqrt(1 + n) - 10 * 0.002;
    assertThat(selection.scores().get("maths")).isCloseTo(maths, offset(1e-5));
    assertThat(selection.scores().get("prose")).isCloseTo(prose, offset(1e-5));
  }

  @Test
  void optimismTriesWhatLittleIsKnownOfNearTheRequest() {
    // Prose is a little worse near the first centroid but has no outcomes there.
    WeightsSnapshot unsure =
        new WeightsSnapshot(
            "p",
            4,
            List.of("maths", "prose"),
            2,
            Map.of(
                WeightsSnapshot.KNN_CENTROIDS, new double[] {1, 0, 0, 1},
                WeightsSnapshot.KNN_COUNTS, new double[] {100, 0, 100, 100},
                WeightsSnapshot.KNN_MEANS, new double[] {0.8, 0.75, 0.3, 0.8}));

    assertThat(choice(Gates.create(GateSpec.knn(1, 1, 0.2, 0), EXPERTS, 2, unsure), 1, 0))
        .isEqualTo("prose");
    assertThat(choice(Gates.create(GateSpec.knn(1, 1, 0, 0), EXPERTS, 2, unsure), 1, 0))
        .isEqualTo("maths");
  }

  @Test
  void epsilonExplorationReportsExactPropensitiesAndABudgetLeavesOutTheDear() {
    Gate gate =
        Gates.create(GateSpec.knn(1, 1, 0, 0).withEpsilonGreedy(0.2), EXPERTS, 2, twoRegions(50));

    Selection selection = gate.select(INPUT, new float[] {0, 1}, new SplittableRandom(1));
    Selection capped =
        gate.select(
            new RoutingInput("r2", null, null, null, 0.0015),
            new float[] {0, 1},
            new SplittableRandom(1));

    assertThat(selection.candidatePropensities().get("prose"))
        .isCloseTo(0.8 + 0.2 / 2, offset(1e-12));
    assertThat(selection.candidatePropensities().get("maths")).isCloseTo(0.2 / 2, offset(1e-12));
    assertThat(capped.chosen()).extracting(Choice::expert).containsExactly("maths");
    assertThat(capped.candidatePropensities().get("maths")).isEqualTo(1);
  }

  @Test
  void refusesCentroidBlocksThatDoNotFit() {
    WeightsSnapshot ragged =
        new WeightsSnapshot(
            "p",
            4,
            List.of("maths", "prose"),
            2,
            Map.of(
                WeightsSnapshot.KNN_CENTROIDS, new double[] {1, 0, 0, 1},
                WeightsSnapshot.KNN_COUNTS, new double[] {1, 1},
                WeightsSnapshot.KNN_MEANS, new double[] {0.5, 0.5}));

    assertThatThrownBy(() -> Gates.create(GateSpec.knn(1, 8, 0.1, 0), EXPERTS, 2, ragged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("knn.n");
  }
}
