package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.policy.learning.PolicyLearner.Update;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LearnerGuardTest {

  private static PolicyLearner trained(LearnerKind kind) {
    PolicyLearner learner = new PolicyLearner(LearnerSettings.defaults(kind, 3), List.of("a", "b"));
    Random random = new Random(1);
    for (int i = 0; i < 50; i++) {
      float[] x = {(float) random.nextGaussian(), (float) random.nextGaussian(), 1};
      double quality = random.nextDouble();
      assertThat(
              learner.update(
                  x,
                  List.of(
                      new ExpertFeedback(i % 2 == 0 ? "a" : "b", quality, quality, 0.5, 0.001))))
          .isEqualTo(Update.LEARNED);
    }
    return learner;
  }

  @ParameterizedTest
  @EnumSource(LearnerKind.class)
  void anExampleWithANonFiniteFeatureIsRejectedWholeAndChangesNothing(LearnerKind kind) {
    PolicyLearner learner = trained(kind);
    byte[] before = learner.toBytes();

    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      assertThat(
              learner.update(new float[] {1, bad, 0}, List.of(new ExpertFeedback("a", 1, 1, 1, 0))))
          .isEqualTo(Update.NON_FINITE_FEATURES);
    }

    assertThat(learner.toBytes()).isEqualTo(before);
    assertThat(learner.examples()).isEqualTo(50);
    assertThat(learner.publishable(1)).isPresent();
  }

  @ParameterizedTest
  @EnumSource(LearnerKind.class)
  void oneNonFiniteOutcomeRejectsTheWholeExampleBeforeAnyExpertLearnsFromIt(LearnerKind kind) {
    PolicyLearner learner = trained(kind);
    byte[] before = learner.toBytes();
    ExpertFeedback good = new ExpertFeedback("a", 1, 1, 1, 0.001);

    List<ExpertFeedback> nanCost = List.of(good, new ExpertFeedback("b", 1, 1, 1, Double.NaN));
    List<ExpertFeedback> nanQuality = List.of(good, new ExpertFeedback("b", Double.NaN, 1, 1, 0));
    List<ExpertFeedback> infiniteReward =
        List.of(new ExpertFeedback("b", 1, Double.NEGATIVE_INFINITY, 1, 0), good);
    for (List<ExpertFeedback> feedback : List.of(nanCost, nanQuality, infiniteReward)) {
      assertThat(learner.update(new float[] {1, 0, 1}, feedback))
          .isEqualTo(Update.NON_FINITE_OUTCOME);
    }

    assertThat(learner.toBytes()).isEqualTo(before);
    assertThat(learner.examples()).isEqualTo(50);
  }

  @Test
  void aStateThatOverflowedFromFiniteInputsIsNotPublishable() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.RIDGE, 1), List.of("a"));
    // Two finite costs whose discounted sum is infinite.
    for (int i = 0; i < 2; i++) {
      assertThat(
              learner.update(
                  new float[] {1}, List.of(new ExpertFeedback("a", 1, 1, 1, Double.MAX_VALUE))))
          .isEqualTo(Update.LEARNED);
    }

    assertThat(PolicyLearner.nonFinite(learner.parameters(1))).isEqualTo("cost");
    assertThat(learner.publishable(1)).isEmpty();
  }

  @Test
  void aStateThatStoppedLearningIsNotPublishableThoughItsBlocksAreFinite() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.LINEAR, 1), List.of("a"));

    // A finite reward whose squared gradient is infinite: AdaGrad would take no step ever after.
    learner.update(new float[] {1}, List.of(new ExpertFeedback("a", 0, -Double.MAX_VALUE, 1, 0)));

    assertThat(PolicyLearner.nonFinite(learner.parameters(1))).isNull();
    assertThat(learner.publishable(1)).isEmpty();
  }

  @Test
  void aKnnCostBeyondFloatRangeIsNotPublishable() {
    PolicyLearner learner =
        new PolicyLearner(LearnerSettings.defaults(LearnerKind.KNN, 1), List.of("a"));

    learner.update(new float[] {1}, List.of(new ExpertFeedback("a", 1, 1, 1, 1e300)));

    assertThat(learner.publishable(1)).isEmpty();
  }

  @Test
  void aFreshOrHealthyLearnerIsPublishable() {
    assertThat(
            new PolicyLearner(LearnerSettings.defaults(LearnerKind.RIDGE, 2), List.of("a"))
                .publishable(1))
        .hasValueSatisfying(blocks -> assertThat(PolicyLearner.nonFinite(blocks)).isNull());
    assertThat(trained(LearnerKind.KNN).publishable(1)).isPresent();
  }
}
