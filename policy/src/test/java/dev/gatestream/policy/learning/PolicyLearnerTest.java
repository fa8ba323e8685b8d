package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.learning.PolicyLearner.Update;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PolicyLearnerTest {

  private static float[] features(Random random, int d) {
    float[] x = new float[d];
    for (int j = 0; j < d; j++) {
      x[j] = (float) random.nextGaussian();
    }
    return x;
  }

  private static double score(
      Map<String, double[]> blocks, List<String> experts, String expert, float[] x) {
    double[] w = blocks.get("w:" + expert);
    double s = blocks.get("b")[experts.indexOf(expert)];
    for (int j = 0; j < x.length; j++) {
      s += w[j] * x[j];
    }
    return s;
  }

  @ParameterizedTest
  @EnumSource(
      value = LearnerKind.class,
      names = "KNN",
      mode = EnumSource.Mode.EXCLUDE) // publishes no w/b
  void withoutDataEveryExpertScoresTheSame(LearnerKind kind) {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(kind, 8), List.of("a", "b", "c"));

    Map<String, double[]> blocks = learner.parameters(1);

    assertThat(blocks).containsKeys("w:a", "w:b", "w:c", "b", "reliability");
    assertThat(blocks.get("w:a"))
        .hasSize(8)
        .containsOnly(kind == LearnerKind.THOMPSON ? blocks.get("w:a") : new double[8]);
    if (kind != LearnerKind.THOMPSON) {
      assertThat(blocks.get("b")).containsOnly(blocks.get("b")[0]);
    }
    assertThat(blocks.get("reliability")).containsOnly(0.5);
  }

  @ParameterizedTest
  @EnumSource(LearnerKind.class)
  void stateRoundTripsThroughBytes(LearnerKind kind) {
    LearnerSettings settings = LearnerSettings.defaults(kind, 6);
    PolicyLearner learner = new PolicyLearner(settings, List.of("a", "b"));
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      learner.update(
          features(random, 6),
          List.of(
              new ExpertFeedback(
                  i % 3 == 0 ? "new" : "a", random.nextDouble(), random.nextDouble(), 0.5, 0)));
    }

    PolicyLearner restored =
        PolicyLearner.fromBytes(settings, List.of("a", "b"), learner.toBytes()).orElseThrow();

    assertThat(restored.experts()).containsExactly("a", "b", "new");
    assertThat(restored.examples()).isEqualTo(200);
    Map<String, double[]> before = learner.parameters(42);
    Map<String, double[]> after = restored.parameters(42);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((name, values) -> assertThat(after.get(name)).containsExactly(values));
  }

  @Test
  void stateOfAnotherKindOrDimensionIsNotReused() {
    byte[] state =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LINEAR, 4), List.of("a")).toBytes();

    assertThat(
            PolicyLearner.fromBytes(
                LearnerSettings.defaults(LearnerKind.LOGISTIC, 4), List.of("a"), state))
        .isEmpty();
    assertThat(
            PolicyLearner.fromBytes(
                LearnerSettings.defaults(LearnerKind.LINEAR, 5), List.of("a"), state))
        .isEmpty();
  }

  @Test
  void featuresOfAnotherDimensionAreRefused() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LINEAR, 4), List.of("a"));

    assertThat(learner.update(new float[3], List.of(new ExpertFeedback("a", 1, 1, 1, 0))))
        .isEqualTo(Update.UNFIT);
    assertThat(learner.update(new float[0], List.of(new ExpertFeedback("a", 1, 1, 1, 0))))
        .isEqualTo(Update.LEARNED);
    assertThat(learner.examples()).isEqualTo(1);
  }

  @Test
  void snapshotsStayBoundedInExperts() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LINEAR, 50_000), List.of());

    for (int i = 0; i < 5; i++) {
      learner.update(new float[0], List.of(new ExpertFeedback("e" + i, 1, 1, 1, 0)));
    }

    assertThat(learner.maxExperts()).isEqualTo(1);
    assertThat(learner.experts()).containsExactly("e0");
  }

  @Test
  void linearLearnerRecoversALinearRewardScaledByTheInverseTemperature() {
    LearnerSettings settings = LearnerSettings.defaults(LearnerKind.LINEAR, 3);
    PolicyLearner learner = new PolicyLearner(settings, List.of("a"));
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      float[] x = features(random, 3);
      double reward = 0.5 + 0.2 * x[0] - 0.1 * x[2];
      learner.update(x, List.of(new ExpertFeedback("a", reward, reward, 1, 0)));
    }

    Map<String, double[]> blocks = learner.parameters(1);

    double beta = settings.inverseTemperature();
    assertThat(blocks.get("w:a")[0] / beta).isCloseTo(0.2, within(0.03));
    assertThat(blocks.get("w:a")[1] / beta).isCloseTo(0.0, within(0.03));
    assertThat(blocks.get("w:a")[2] / beta).isCloseTo(-0.1, within(0.03));
    assertThat(blocks.get("b")[0] / beta).isCloseTo(0.5, within(0.03));
  }

  @Test
  void logisticLearnerPredictsTheSuccessProbability() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LOGISTIC, 2), List.of("a"));
    Random random = new Random(5);
    for (int i = 0; i < 20_000; i++) {
      float[] x = {1, 0};
      if (random.nextBoolean()) {
        x = new float[] {0, 1};
      }
      double p = x[0] == 1 ? 0.8 : 0.3;
      double quality = random.nextDouble() < p ? 1 : 0;
      learner.update(x, List.of(new ExpertFeedback("a", quality, quality - 0.5, 1, 0)));
    }

    Map<String, double[]> blocks = learner.parameters(1);

    assertThat(SgdModel.sigmoid(score(blocks, List.of("a"), "a", new float[] {1, 0})))
        .isCloseTo(0.8, within(0.06));
    assertThat(SgdModel.sigmoid(score(blocks, List.of("a"), "a", new float[] {0, 1})))
        .isCloseTo(0.3, within(0.06));
  }

  @Test
  void reliabilityIsTheImportanceWeightedMeanQuality() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LINEAR, 1), List.of("a"));
    // Chosen rarely (p = 0.1) where it is good, always where it is bad: unweighted, the mean looks
    // bad.
    for (int i = 0; i < 300; i++) {
      learner.update(new float[1], List.of(new ExpertFeedback("a", 1, 1, 0.1, 0)));
      for (int k = 0; k < 10; k++) {
        learner.update(new float[1], List.of(new ExpertFeedback("a", 0, 0, 1, 0)));
      }
    }

    assertThat(learner.reliability("a")).isCloseTo(0.5, within(0.05));
  }

  @ParameterizedTest
  @EnumSource(
      value = LearnerKind.class,
      names = {"LINUCB", "THOMPSON"})
  void ridgeLearnersProjectWideFeaturesAndPublishInTheOriginalSpace(LearnerKind kind) {
    int d = 200;
    LearnerSettings settings = LearnerSettings.defaults(kind, d);
    PolicyLearner learner = new PolicyLearner(settings, List.of("good", "bad"));
    Random random = new Random(11);
    float[] direction = features(random, d);
    for (int i = 0; i < 3_000; i++) {
      float[] x = features(random, d);
      learner.update(
          x,
          List.of(
              new ExpertFeedback("good", 0.9, 0.9, 1, 0),
              new ExpertFeedback("bad", 0.2, 0.2, 1, 0)));
    }

    Map<String, double[]> blocks = learner.parameters(9);

    assertThat(blocks.get("w:good")).hasSize(d);
    List<String> experts = learner.experts();
    assertThat(score(blocks, experts, "good", direction))
        .isGreaterThan(score(blocks, experts, "bad", direction));
  }

  @Test
  void linUcbIsMoreOptimisticAboutExpertsItKnowsLessAbout() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LINUCB, 2), List.of("a", "b"));
    for (int i = 0; i < 100; i++) {
      learner.update(new float[] {1, 0}, List.of(new ExpertFeedback("a", 0.5, 0.5, 1, 0)));
    }
    learner.update(new float[] {1, 0}, List.of(new ExpertFeedback("b", 0.5, 0.5, 1, 0)));

    double[] biases = learner.parameters(1).get("b");

    assertThat(biases[1]).isGreaterThan(biases[0]);
  }

  @Test
  void theRidgeLearnerPublishesQualityPerTaskSlotWithItsUncertaintyOutcomesAndCost() {
    // Two task slots (one-hot) and a bias: expert "a" is good on slot 0 and bad on slot 1.
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.RIDGE, 2), List.of("a", "b"));
    float[] slot0 = {1, 0};
    float[] slot1 = {0, 1};
    Random random = new Random(3);
    Map<String, double[]> early = null;
    for (int i = 0; i < 400; i++) {
      boolean first = i % 2 == 0;
      double quality =
          first ? (random.nextDouble() < 0.9 ? 1 : 0) : (random.nextDouble() < 0.2 ? 1 : 0);
      learner.update(
          first ? slot0 : slot1, List.of(new ExpertFeedback("a", quality, quality, 1, 0.002)));
      if (i == 9) {
        early = learner.parameters(1);
      }
    }
    Map<String, double[]> blocks = learner.parameters(2);

    assertThat(score(blocks, learner.experts(), "a", slot0)).isCloseTo(0.9, within(0.08));
    assertThat(score(blocks, learner.experts(), "a", slot1)).isCloseTo(0.2, within(0.08));
    assertThat(blocks.get("n")).containsExactly(400, 0);
    assertThat(blocks.get("cost")[0]).isCloseTo(0.002, within(1e-12));
    // Variances (weights, then bias) shrink with evidence; the expert never tried keeps its prior
    // ones.
    assertThat(blocks.get("v:a")).hasSize(3);
    assertThat(blocks.get("v:a")[0]).isLessThan(early.get("v:a")[0] / 5);
    assertThat(blocks.get("v:b")).containsExactly(1.0, 1.0, 1.0);
    // An untried expert predicts the prior quality (1 in these settings).
    assertThat(score(blocks, learner.experts(), "b", slot0)).isCloseTo(1.0, within(1e-9));
  }
}
