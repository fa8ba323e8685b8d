package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.policy.learning.ResultEvent.AnswerKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RewardsTest {

  private static final DecisionEvent DECISION =
      new DecisionEvent(
          "r1",
          "p",
          3,
          new String[] {"a", "b", "c"},
          new double[] {0.5, 0.25, 1.0},
          new float[0],
          100,
          10);

  private static ResultEvent text(String expert, String answer, double cost) {
    return new ResultEvent("r1", expert, true, AnswerKind.TEXT, answer, Double.NaN, cost, 50);
  }

  private static FeedbackEvent feedback(
      double reward, String label, Map<String, Double> expertRewards) {
    String[] experts = expertRewards.keySet().toArray(new String[0]);
    double[] values = new double[experts.length];
    for (int i = 0; i < experts.length; i++) {
      values[i] = expertRewards.get(experts[i]);
    }
    return new FeedbackEvent("r1", reward, label, experts, values, 200);
  }

  @Test
  void expertRewardsWinOverLabelWhichWinsOverRequestReward() {
    List<ExpertFeedback> scored =
        new Rewards(0)
            .score(
                DECISION,
                Map.of(
                    "a",
                    text("a", "Paris", 0),
                    "b",
                    text("b", " paris. ", 0),
                    "c",
                    text("c", "Lyon", 0)),
                feedback(0.7, "Paris", Map.of("a", 0.2)));

    assertThat(scored)
        .containsExactly(
            new ExpertFeedback("a", 0.2, 0.2, 0.5, 0),
            new ExpertFeedback("b", 1, 1, 0.25, 0),
            new ExpertFeedback("c", 0, 0, 1.0, 0));
  }

  @Test
  void requestRewardWhenNothingMoreSpecificAndCostIsSubtracted() {
    List<ExpertFeedback> scored =
        new Rewards(10)
            .score(DECISION, Map.of("a", text("a", "x", 0.01)), feedback(0.9, null, Map.of()));

    assertThat(scored)
        .singleElement()
        .satisfies(
            one -> {
              assertThat(one.quality()).isEqualTo(0.9);
              assertThat(one.reward()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
            });
  }

  @Test
  void failedExpertsEarnZeroMinusCostAndExpertsWithoutResultNothing() {
    ResultEvent failed =
        new ResultEvent("r1", "a", false, AnswerKind.NONE, null, Double.NaN, 0.02, 50);

    List<ExpertFeedback> scored =
        new Rewards(5).score(DECISION, Map.of("a", failed), feedback(1, null, Map.of()));

    assertThat(scored)
        .singleElement()
        .satisfies(
            one -> {
              assertThat(one.expert()).isEqualTo("a");
              assertThat(one.quality()).isZero();
              assertThat(one.reward()).isCloseTo(-0.1, org.assertj.core.data.Offset.offset(1e-12));
            });
  }

  @Test
  void classesCompareTheirArgmaxAndScoresTheirDistance() {
    ResultEvent classes =
        new ResultEvent("r1", "a", true, AnswerKind.CLASS, "B", Double.NaN, 0, 50);
    ResultEvent score = new ResultEvent("r1", "b", true, AnswerKind.SCORE, null, 0.75, 0, 50);
    ResultEvent wrong = new ResultEvent("r1", "c", true, AnswerKind.CLASS, "A", Double.NaN, 0, 50);

    assertThat(Rewards.quality("a", classes, feedback(Double.NaN, "b", Map.of()))).isEqualTo(1);
    assertThat(Rewards.quality("c", wrong, feedback(Double.NaN, "B", Map.of()))).isEqualTo(0);
    assertThat(Rewards.quality("b", score, feedback(Double.NaN, "1.0", Map.of()))).isEqualTo(0.75);
    // A label a score cannot be compared with falls back to the request's reward, or to nothing.
    assertThat(Rewards.quality("b", score, feedback(0.4, "yes", Map.of()))).isEqualTo(0.4);
    assertThat(Rewards.quality("b", score, feedback(Double.NaN, "yes", Map.of()))).isNaN();
  }

  @Test
  void outcomesKeepCostApartAndScoreIsQualityMinusLambdaTimesCost() {
    ResultEvent failed =
        new ResultEvent("r1", "b", false, AnswerKind.NONE, null, Double.NaN, 0.03, 50);
    Map<String, ResultEvent> results = Map.of("a", text("a", "Paris", 0.01), "b", failed);
    FeedbackEvent label = feedback(Double.NaN, "paris", Map.of());

    assertThat(Rewards.outcomes(DECISION, results, label))
        .containsExactly(
            new Rewards.Outcome("a", 1, 0.01, 0.5), new Rewards.Outcome("b", 0, 0.03, 0.25));
    assertThat(new Rewards(2).score(DECISION, results, label))
        .extracting(ExpertFeedback::reward)
        .containsExactly(1 - 2 * 0.01, -2 * 0.03);
    assertThat(new Rewards(2).reward(0.75, 0.25)).isEqualTo(0.25);
  }

  @Test
  void normalizationIgnoresCaseSpacingAndTrailingPunctuation() {
    assertThat(Rewards.normalize("  The  Answer is 42!\n")).isEqualTo("the answer is 42");
  }

  @Test
  void aNonFiniteCostIsRejectedWhetherTheExpertAnsweredOrFailed() {
    ResultEvent failed =
        new ResultEvent("r1", "b", false, AnswerKind.NONE, null, Double.NaN, Double.NaN, 50);
    Map<String, ResultEvent> results =
        Map.of(
            "a",
            text("a", "Paris", Double.POSITIVE_INFINITY),
            "b",
            failed,
            "c",
            text("c", "Paris", 0.01));

    Rewards.Scored scored =
        new Rewards(1).scoreAll(DECISION, results, feedback(Double.NaN, "Paris", Map.of()));

    assertThat(scored.feedback()).extracting(ExpertFeedback::expert).containsExactly("c");
    assertThat(scored.rejected())
        .containsExactly(
            new Rewards.Rejected("a", Rewards.Rejection.NON_FINITE_COST),
            new Rewards.Rejected("b", Rewards.Rejection.NON_FINITE_COST));
    assertThat(Rewards.outcomes(DECISION, results, feedback(Double.NaN, "Paris", Map.of())))
        .extracting(Rewards.Outcome::expert)
        .containsExactly("c");
  }

  @Test
  void aNonFiniteJudgingRewardIsRejectedNotClippedNorSkippedToTheLabel() {
    Map<String, ResultEvent> results =
        Map.of("a", text("a", "Paris", 0), "b", text("b", "Paris", 0), "c", text("c", "Paris", 0));

    // a: its own reward is NaN (the label would have said 1); b: infinite; c: judged by the label.
    Rewards.Judged own =
        Rewards.judge(
            DECISION,
            results,
            feedback(0.5, "Paris", Map.of("a", Double.NaN, "b", Double.POSITIVE_INFINITY)));
    // Without own rewards or label, an infinite request reward judges every expert: all rejected.
    Rewards.Judged request =
        Rewards.judge(DECISION, results, feedback(Double.NEGATIVE_INFINITY, null, Map.of()));

    assertThat(own.outcomes()).containsExactly(new Rewards.Outcome("c", 1, 0, 1.0));
    assertThat(own.rejected()).extracting(Rewards.Rejected::expert).containsExactly("a", "b");
    assertThat(own.rejected())
        .extracting(Rewards.Rejected::reason)
        .containsOnly(Rewards.Rejection.NON_FINITE_REWARD);
    assertThat(request.outcomes()).isEmpty();
    assertThat(request.rejected()).hasSize(3);
  }

  @Test
  void aNonFiniteScoreAnswerIsWrongAndANonFiniteLabelJudgesNothing() {
    ResultEvent nan = new ResultEvent("r1", "b", true, AnswerKind.SCORE, null, Double.NaN, 0, 50);
    ResultEvent infinite =
        new ResultEvent("r1", "b", true, AnswerKind.SCORE, null, Double.NEGATIVE_INFINITY, 0, 50);
    ResultEvent fine = new ResultEvent("r1", "b", true, AnswerKind.SCORE, null, 0.5, 0, 50);

    assertThat(Rewards.quality("b", nan, feedback(Double.NaN, "0.5", Map.of()))).isZero();
    assertThat(Rewards.quality("b", infinite, feedback(Double.NaN, "0.5", Map.of()))).isZero();
    assertThat(Rewards.quality("b", fine, feedback(Double.NaN, "NaN", Map.of()))).isNaN();
    assertThat(Rewards.quality("b", fine, feedback(0.3, "Infinity", Map.of()))).isEqualTo(0.3);
  }
}
