package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.adaptation.events.JoinInput;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.adaptation.events.Unjoined;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.ResultEvent.AnswerKind;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestJoinFunctionTest {

  private static final long TTL = 10_000;

  private final CapturedMetrics metrics = new CapturedMetrics();
  private KeyedOneInputStreamOperatorTestHarness<String, JoinInput, TrainingExample> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new RequestJoinFunction(TTL, 0)),
            JoinInput::requestId,
            Types.STRING,
            metrics.environment());
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static DecisionEvent decision(String id, long at, String... chosen) {
    double[] propensities = new double[chosen.length];
    java.util.Arrays.fill(propensities, 0.5);
    return new DecisionEvent(
        id, "policy", 1, chosen, propensities, new float[] {1, 0}, at + 1_000, at);
  }

  private static ResultEvent result(String id, String expert, long at) {
    return new ResultEvent(id, expert, true, AnswerKind.TEXT, "yes", Double.NaN, 0, at);
  }

  private static FeedbackEvent feedback(String id, long at) {
    return new FeedbackEvent(id, 1.0, null, new String[0], new double[0], at);
  }

  private void send(JoinInput input) throws Exception {
    harness.processElement(input, input.eventTimeMs());
  }

  private List<Unjoined.Reason> unjoined() {
    var side = harness.getSideOutput(RequestJoinFunction.UNJOINED);
    return side == null
        ? List.of()
        : side.stream().map(record -> record.getValue().reason()).toList();
  }

  @Test
  void joinsAsSoonAsDecisionResultsAndFeedbackAreThere() throws Exception {
    send(JoinInput.of(feedback("r1", 500)));
    send(JoinInput.of(result("r1", "a", 200)));
    assertThat(harness.extractOutputValues()).isEmpty();
    send(JoinInput.of(decision("r1", 100, "a")));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            example -> {
              assertThat(example.policy()).isEqualTo("policy");
              assertThat(example.experts()).hasSize(1);
              assertThat(example.experts()[0].expert()).isEqualTo("a");
              assertThat(example.experts()[0].quality()).isEqualTo(1);
              assertThat(example.experts()[0].propensity()).isEqualTo(0.5);
              assertThat(example.feedbackAtMs()).isEqualTo(500);
            });
    assertThat(metrics.count("gatestream.examplesJoined")).isEqualTo(1);
    assertThat(metrics.count("gatestream.unjoined")).isZero();
  }

  @Test
  void waitsForMissingResultsUntilTheDeadline() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a", "b")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(feedback("r1", 300)));
    harness.processWatermark(1_000);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processWatermark(1_100);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            example ->
                assertThat(example.experts()).extracting(one -> one.expert()).containsExactly("a"));
    assertThat(unjoined()).isEmpty();
  }

  @Test
  void decisionsWithoutFeedbackExpireAfterTheTtlAndStateIsCleared() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    harness.processWatermark(100 + TTL - 1);
    assertThat(unjoined()).isEmpty();

    harness.processWatermark(100 + TTL);

    assertThat(unjoined()).containsExactly(Unjoined.Reason.DECISION_EXPIRED);
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void lateFeedbackAfterItsDecisionExpiredIsCountedNotLearned() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    harness.processWatermark(100 + TTL);

    send(JoinInput.of(feedback("r1", 100 + TTL + 500)));
    harness.processWatermark(100 + 2 * TTL + 500);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(unjoined())
        .containsExactly(Unjoined.Reason.DECISION_EXPIRED, Unjoined.Reason.FEEDBACK_EXPIRED);
    assertThat(metrics.count("gatestream.unjoined")).isEqualTo(2);
    assertThat(metrics.count("gatestream.decisionsExpired")).isEqualTo(1);
    assertThat(metrics.count("gatestream.feedbackExpired")).isEqualTo(1);
    assertThat(metrics.count("gatestream.examplesJoined")).isZero();
  }

  @Test
  void feedbackWithinTheTtlStillJoinsAfterTheWatermarkPassedIt() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    harness.processWatermark(5_000);

    send(JoinInput.of(feedback("r1", 4_000)));

    assertThat(harness.extractOutputValues()).hasSize(1);
  }

  @Test
  void recordsAfterTheJoinAreDroppedUntilTheTtl() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(feedback("r1", 300)));
    send(JoinInput.of(feedback("r1", 400)));
    send(JoinInput.of(result("r1", "a", 250)));

    assertThat(harness.extractOutputValues()).hasSize(1);
    harness.processWatermark(100 + TTL);
    assertThat(unjoined()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void joinedRequestsWithoutAnyUsableRewardByTheTtlGoToTheSideOutput() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(
        JoinInput.of(new FeedbackEvent("r1", Double.NaN, null, new String[0], new double[0], 300)));
    assertThat(unjoined()).isEmpty();

    harness.processWatermark(100 + TTL);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(unjoined()).containsExactly(Unjoined.Reason.NO_REWARD);
    assertThat(metrics.count("gatestream.unjoined")).isEqualTo(1);
    assertThat(metrics.count("gatestream.joinedWithoutReward")).isEqualTo(1);
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  private static FeedbackEvent expertFeedback(String id, long at, String expert, double reward) {
    return new FeedbackEvent(
        id, Double.NaN, null, new String[] {expert}, new double[] {reward}, at);
  }

  @Test
  void feedbackRecordsBeforeTheJoinAreMerged() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a", "b")));
    send(JoinInput.of(expertFeedback("r1", 300, "a", 0.2)));
    send(
        JoinInput.of(
            new FeedbackEvent("r1", 0.6, null, new String[] {"a"}, new double[] {0.9}, 250)));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(result("r1", "b", 210)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            example -> {
              // a's reward of 300 overrides that of 250; b has only the request's reward.
              assertThat(example.experts())
                  .extracting(one -> one.expert())
                  .containsExactly("a", "b");
              assertThat(example.experts())
                  .extracting(one -> one.reward())
                  .containsExactly(0.2, 0.6);
              assertThat(example.feedbackAtMs()).isEqualTo(300);
            });
  }

  @Test
  void laterRecordsTeachOnlyTheExpertsNotLearnedFromYet() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a", "b")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(result("r1", "b", 210)));
    send(JoinInput.of(expertFeedback("r1", 300, "a", 1)));
    send(JoinInput.of(expertFeedback("r1", 400, "b", 0.5)));
    send(JoinInput.of(expertFeedback("r1", 500, "a", 0)));
    send(JoinInput.of(expertFeedback("r1", 600, "b", 0.5)));

    List<TrainingExample> examples = harness.extractOutputValues();
    assertThat(examples).hasSize(2);
    assertThat(examples.get(0).experts())
        .extracting(one -> one.expert() + "=" + one.reward())
        .containsExactly("a=1.0");
    assertThat(examples.get(1).experts())
        .extracting(one -> one.expert() + "=" + one.reward())
        .containsExactly("b=0.5");
    harness.processWatermark(100 + TTL);
    assertThat(unjoined()).isEmpty();
    assertThat(harness.numKeyedStateEntries()).isZero();
  }

  @Test
  void aResultAfterTheDeadlineJoinIsLearnedInAFollowUp() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a", "b")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(feedback("r1", 300)));
    harness.processWatermark(1_100);
    send(
        JoinInput.of(
            new ResultEvent("r1", "b", false, AnswerKind.NONE, null, Double.NaN, 0, 1_200)));

    assertThat(harness.extractOutputValues())
        .extracting(example -> example.experts()[0].expert() + "=" + example.experts()[0].quality())
        .containsExactly("a=1.0", "b=0.0");
  }

  @Test
  void feedbackWithASignalAfterOneWithoutIsLearned() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(
        JoinInput.of(new FeedbackEvent("r1", Double.NaN, null, new String[0], new double[0], 300)));
    send(JoinInput.of(feedback("r1", 400)));
    harness.processWatermark(100 + TTL);

    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(unjoined()).isEmpty();
  }

  @Test
  void costIsPricedAtLambda() throws Exception {
    harness.close();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new RequestJoinFunction(TTL, 10)),
            JoinInput::requestId,
            Types.STRING);
    harness.open();
    send(JoinInput.of(decision("r1", 100, "a")));
    send(
        JoinInput.of(
            new ResultEvent("r1", "a", true, AnswerKind.TEXT, "Yes.", Double.NaN, 0.02, 200)));
    send(
        JoinInput.of(
            new FeedbackEvent("r1", Double.NaN, "yes", new String[0], new double[0], 300)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            example -> {
              assertThat(example.experts()[0].quality()).isEqualTo(1);
              assertThat(example.experts()[0].reward()).isEqualTo(1 - 10 * 0.02);
            });
  }

  @Test
  void anOutcomeWithANonFiniteCostIsRejectedAndCountedOnceWhileTheOtherExpertsAreLearned()
      throws Exception {
    send(JoinInput.of(decision("r1", 100, "a", "b")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(
        JoinInput.of(
            new ResultEvent("r1", "b", true, AnswerKind.TEXT, "yes", Double.NaN, Double.NaN, 210)));
    send(JoinInput.of(feedback("r1", 300)));
    send(JoinInput.of(feedback("r1", 400))); // merges in after the join; b is still not learnable

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            example ->
                assertThat(example.experts()).extracting(one -> one.expert()).containsExactly("a"));
    assertThat(
            metrics.count(
                "gatestream.reason.outcomesRejected", Map.of("<reason>", "nonFiniteCost")))
        .isEqualTo(1);
    assertThat(
            metrics.count(
                "gatestream.reason.outcomesRejected", Map.of("<reason>", "nonFiniteReward")))
        .isZero();
  }

  @Test
  void anExpertRejectedForANonFiniteRewardIsLearnedOnceAFiniteOneArrives() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(
        JoinInput.of(
            new FeedbackEvent(
                "r1", Double.POSITIVE_INFINITY, null, new String[0], new double[0], 300)));
    assertThat(harness.extractOutputValues()).isEmpty();

    send(JoinInput.of(new FeedbackEvent("r1", 0.25, null, new String[0], new double[0], 400)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(example -> assertThat(example.experts()[0].quality()).isEqualTo(0.25));
    assertThat(
            metrics.count(
                "gatestream.reason.outcomesRejected", Map.of("<reason>", "nonFiniteReward")))
        .isEqualTo(1);
  }
}
