package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.WeightsSnapshot;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link PolicyLearner#fromSnapshot}: a learner resumed from what it published publishes it again.
 */
class WarmStartTest {

  private static final double WEIGHT = 20;

  private static LearnerSettings settings(LearnerKind kind, int dimension) {
    LearnerSettings defaults = LearnerSettings.defaults(kind, dimension);
    // Thompson's scale 0: its snapshot is then its posterior mean, which the warm start resumes
    // from.
    return kind != LearnerKind.THOMPSON
        ? defaults
        : new LearnerSettings(
            kind,
            dimension,
            defaults.learningRate(),
            defaults.l2(),
            defaults.ridgeLambda(),
            defaults.ucbAlpha(),
            0,
            defaults.inverseTemperature(),
            defaults.priorReward(),
            defaults.priorCount(),
            defaults.forgetting(),
            defaults.maxImportanceWeight(),
            defaults.projectionDimension(),
            defaults.projectionSeed());
  }

  private static PolicyLearner trained(LearnerSettings settings, int examples, long seed) {
    PolicyLearner learner = new PolicyLearner(settings, List.of("a", "b"));
    Random random = new Random(seed);
    int d = settings.featureDimension();
    for (int i = 0; i < examples; i++) {
      float[] x = new float[d];
      x[random.nextInt(d)] = 1; // one-hot task slots, as the router's task block
      for (int j = 0; j < d; j++) {
        x[j] += (float) (0.3 * random.nextGaussian());
      }
      String expert = i % 3 == 0 ? "b" : i % 7 == 0 ? "late" : "a";
      double level = expert.equals("a") ? 0.8 : 0.3;
      double quality = Math.max(0, Math.min(1, level + 0.2 * x[0] + 0.1 * random.nextGaussian()));
      double cost = expert.equals("a") ? 0.01 : 0.002;
      learner.update(
          x,
          List.of(
              new ExpertFeedback(
                  expert, quality, quality - 0.5 * cost, 0.3 + 0.6 * random.nextDouble(), cost)));
    }
    return learner;
  }

  private static WeightsSnapshot snapshot(
      PolicyLearner learner, LearnerSettings settings, long seed) {
    return new WeightsSnapshot(
        "p", 7, learner.experts(), settings.featureDimension(), learner.parameters(seed));
  }

  private static void assertSameBlocks(
      Map<String, double[]> resumed, Map<String, double[]> published, double tolerance) {
    assertThat(resumed.keySet()).isEqualTo(published.keySet());
    published.forEach(
        (name, values) -> {
          assertThat(resumed.get(name)).as(name).hasSameSizeAs(values);
          for (int j = 0; j < values.length; j++) {
            assertThat(resumed.get(name)[j])
                .as(name + "[" + j + "]")
                .isCloseTo(values[j], within(tolerance));
          }
        });
  }

  @ParameterizedTest
  @EnumSource(LearnerKind.class)
  void aResumedLearnerPublishesWhatItResumedFrom(LearnerKind kind) {
    LearnerSettings settings =
        kind == LearnerKind.KNN ? settings(kind, 3).withKnn(500, 3) : settings(kind, 3);
    PolicyLearner original = trained(settings, 400, 3);
    Map<String, double[]> published = original.parameters(5);

    PolicyLearner resumed =
        PolicyLearner.fromSnapshot(
                settings,
                List.of("a", "b", "configured"),
                new WeightsSnapshot("p", 7, original.experts(), 3, published),
                original.examples(),
                WEIGHT)
            .orElseThrow();

    assertThat(resumed.experts()).containsExactly("a", "b", "late", "configured");
    assertThat(resumed.examples()).isEqualTo(400);
    assertThat(resumed.reliability("a")).isCloseTo(original.reliability("a"), within(1e-9));
    Map<String, double[]> again = new HashMap<>(resumed.parameters(5));
    // The configured expert the snapshot did not have joins with the prior; the others publish the
    // same.
    Map<String, double[]> known = new HashMap<>();
    again.forEach(
        (name, values) -> {
          if (!name.endsWith(":configured")) {
            known.put(
                name,
                name.startsWith("w:") || name.startsWith("v:") || name.startsWith("knn.")
                    ? values
                    : Arrays.copyOf(values, 3));
          }
        });
    if (kind == LearnerKind.KNN) {
      // Per centroid then per expert: drop the fourth expert's column.
      for (String cells : List.of(WeightsSnapshot.KNN_COUNTS, WeightsSnapshot.KNN_MEANS)) {
        double[] all = again.get(cells);
        double[] three = new double[all.length / 4 * 3];
        for (int c = 0; c < all.length / 4; c++) {
          System.arraycopy(all, c * 4, three, c * 3, 3);
        }
        known.put(cells, three);
      }
    }
    assertSameBlocks(known, published, 1e-6);
  }

  @ParameterizedTest
  @EnumSource(
      value = LearnerKind.class,
      names = {"LINUCB", "THOMPSON"})
  void projectedLearnersRecoverTheirModelFromTheBackProjectedWeights(LearnerKind kind) {
    LearnerSettings settings = settings(kind, 200);
    PolicyLearner original = trained(settings, 300, 4);
    WeightsSnapshot snapshot = snapshot(original, settings, 1);

    PolicyLearner resumed =
        PolicyLearner.fromSnapshot(settings, List.of(), snapshot, 300, WEIGHT).orElseThrow();

    assertSameBlocks(resumed.parameters(1), snapshot.parameters(), 1e-6);
  }

  @Test
  void theRidgeLearnerGoesOnLearningFromWhereItWas() {
    LearnerSettings settings = settings(LearnerKind.RIDGE, 3);
    PolicyLearner original = trained(settings, 2_000, 6);
    PolicyLearner resumed =
        PolicyLearner.fromSnapshot(
                settings, List.of(), snapshot(original, settings, 1), original.examples(), WEIGHT)
            .orElseThrow();
    PolicyLearner cold = new PolicyLearner(settings, List.of("a", "b"));
    Random random = new Random(9);
    for (int i = 0; i < 20; i++) {
      float[] x = {1, 0, 0};
      double quality = random.nextDouble() < 0.9 ? 1 : 0;
      for (PolicyLearner learner : List.of(original, resumed, cold)) {
        learner.update(x, List.of(new ExpertFeedback("b", quality, quality, 1, 0.002)));
      }
    }

    double[] before = original.parameters(1).get("b");
    double[] warm = resumed.parameters(1).get("b");
    double[] fresh = cold.parameters(1).get("b");
    // Without the off-diagonal statistics the level of each expert moves a little differently, but
    // far
    // less than a learner that starts over, which knows nothing of "a".
    assertThat(warm[0]).isCloseTo(before[0], within(0.02));
    assertThat(warm[1]).isCloseTo(before[1], within(0.05));
    assertThat(Math.abs(fresh[0] - before[0])).isGreaterThan(0.1);
    assertThat(resumed.parameters(1).get("n")[1]).isEqualTo(original.parameters(1).get("n")[1]);
  }

  @Test
  void aSnapshotOfAnotherLearnerOrDimensionOrWithANonFiniteValueIsNotResumed() {
    LearnerSettings ridge = settings(LearnerKind.RIDGE, 3);
    LearnerSettings linear = settings(LearnerKind.LINEAR, 3);
    LearnerSettings knn = settings(LearnerKind.KNN, 3).withKnn(500, 3);
    WeightsSnapshot ridgeSnapshot = snapshot(trained(ridge, 100, 1), ridge, 1);
    WeightsSnapshot linearSnapshot = snapshot(trained(linear, 100, 1), linear, 1);
    WeightsSnapshot knnSnapshot = snapshot(trained(knn, 400, 1), knn, 1);
    Map<String, double[]> poisoned = new HashMap<>(ridgeSnapshot.parameters());
    poisoned.put("cost", new double[] {0.01, Double.NaN, 0});

    assertThat(PolicyLearner.fromSnapshot(linear, List.of(), ridgeSnapshot, 100, WEIGHT)).isEmpty();
    assertThat(PolicyLearner.fromSnapshot(ridge, List.of(), linearSnapshot, 100, WEIGHT)).isEmpty();
    assertThat(PolicyLearner.fromSnapshot(ridge, List.of(), knnSnapshot, 100, WEIGHT)).isEmpty();
    assertThat(
            PolicyLearner.fromSnapshot(
                settings(LearnerKind.RIDGE, 4), List.of(), ridgeSnapshot, 100, WEIGHT))
        .isEmpty();
    assertThat(
            PolicyLearner.fromSnapshot(
                ridge,
                List.of(),
                new WeightsSnapshot("p", 7, ridgeSnapshot.experts(), 3, poisoned),
                100,
                WEIGHT))
        .isEmpty();
    // 400 examples do not fit a memory of 100 without losing cells.
    assertThat(PolicyLearner.fromSnapshot(knn.withKnn(100, 3), List.of(), knnSnapshot, 400, WEIGHT))
        .isEmpty();
    assertThat(PolicyLearner.fromSnapshot(ridge, List.of(), ridgeSnapshot, 100, WEIGHT))
        .isPresent();
  }
}
