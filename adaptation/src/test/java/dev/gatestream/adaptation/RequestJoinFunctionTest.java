package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.adaptation.events.JoinInput;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.adaptation.events.Unjoined;
import dev.gatestream.gating.learning.DecisionEvent;
import dev.gatestream.gating.learning.FeedbackEvent;
import dev.gatestream.gating.learning.ResultEvent.AnswerKind;
import dev.gatestream.gating.learning.ResultEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestJoinFunctionTest {

  private static final long TTL = 10_000;

  private KeyedOneInputStreamOperatorTestHarness<String, JoinInput, TrainingExample> harness;

  @BeforeEach
  void open() throws Exception {
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new RequestJoinFunction(TTL, 0)), JoinInput::requestId, Types.STRING);
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static DecisionEvent decision(String id, long at, String... chosen) {
    double[] propensities = new double[chosen.length];
    java.util.Arrays.fill(propensities, 0.5);
    return new DecisionEvent(id, "policy", 1, chosen, propensities, new float[] {1, 0}, at + 1_000, at);
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
    return side == null ? List.of() : side.stream().map(record -> record.getValue().reason()).toList();
  }

  @Test
  void joinsAsSoonAsDecisionResultsAndFeedbackAreThere() throws Exception {
    send(JoinInput.of(feedback("r1", 500)));
    send(JoinInput.of(result("r1", "a", 200)));
    assertThat(harness.extractOutputValues()).isEmpty();
    send(JoinInput.of(decision("r1", 100, "a")));

    assertThat(harness.extractOutputValues()).singleElement().satisfies(example -> {
      assertThat(example.policy()).isEqualTo("policy");
      assertThat(example.experts()).hasSize(1);
      assertThat(example.experts()[0].expert()).isEqualTo("a");
      assertThat(example.experts()[0].quality()).isEqualTo(1);
      assertThat(example.experts()[0].propensity()).isEqualTo(0.5);
      assertThat(example.feedbackAtMs()).isEqualTo(500);
    });
  }

  @Test
  void waitsForMissingResultsUntilTheDeadline() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a", "b")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(feedback("r1", 300)));
    harness.processWatermark(1_000);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.processWatermark(1_100);

    assertThat(harness.extractOutputValues()).singleElement()
        .satisfies(example -> assertThat(example.experts()).extracting(one -> one.expert()).containsExactly("a"));
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
    assertThat(unjoined()).containsExactly(Unjoined.Reason.DECISION_EXPIRED, Unjoined.Reason.FEEDBACK_EXPIRED);
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
  void joinedRequestsWithoutAnyUsableRewardGoToTheSideOutput() throws Exception {
    send(JoinInput.of(decision("r1", 100, "a")));
    send(JoinInput.of(result("r1", "a", 200)));
    send(JoinInput.of(new FeedbackEvent("r1", Double.NaN, null, new String[0], new double[0], 300)));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(unjoined()).containsExactly(Unjoined.Reason.NO_REWARD);
  }
}
