package dev.gatestream.app.evaluate;

import static dev.gatestream.app.evaluate.DecisionFeedbackJoinTest.decision;
import static dev.gatestream.app.evaluate.DecisionFeedbackJoinTest.feedback;
import static dev.gatestream.app.evaluate.DecisionFeedbackJoinTest.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.CascadePlan;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.EscalationStep;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.cascade.LoggedCascade;
import dev.gatestream.policy.learning.Rewards;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CascadeLogTest {

  private static RoutingDecision cascade(String id) {
    RoutingDecision decision = decision(id, "a", 1.0);
    decision.setCascade(
        CascadePlan.newBuilder()
            .setOrder(List.of("a", "b"))
            .setThreshold(0.7)
            .setMinRemainingMs(500)
            .setExploration(0.1)
            .setRequest(
                InferenceRequest.newBuilder().setId(id).setCreatedAtMs(1).setDeadlineMs(2).build())
            .build());
    return decision;
  }

  private static FusedResult fused(String id, boolean escalated, String reason, Double confidence) {
    return FusedResult.newBuilder()
        .setRequestId(id)
        .setStrategy("first-successful")
        .setContributors(escalated ? List.of("a", "b") : List.of("a"))
        .setExpected(escalated ? List.of("a", "b") : List.of("a"))
        .setCompleteness(Completeness.COMPLETE)
        .setLatencyMs(1)
        .setEmittedAtMs(2)
        .setEscalations(
            List.of(
                EscalationStep.newBuilder()
                    .setStage(0)
                    .setFrom("a")
                    .setTo("b")
                    .setConfidence(confidence)
                    .setThreshold(0.7)
                    .setEscalateProbability(0.9)
                    .setEscalated(escalated)
                    .setPropensity(escalated ? 0.9 : 0.1)
                    .setRemainingMs(1_500)
                    .setReason(reason)
                    .setDecidedAtMs(2)
                    .build()))
        .build();
  }

  @Test
  void joinsACascadesEscalationsWithWhatEveryExpertItAskedEarned() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addDecision(cascade("r1"));
    join.addResult(result("r1", "a", "5", 0.001));
    join.addResult(result("r1", "b", "4", 0.03));
    join.addFused(fused("r1", true, "low-confidence", 0.3));
    join.addFeedback(feedback("r1", null, Map.of("a", 0.0, "b", 1.0), 10));
    join.addDecision(cascade("r2"));
    join.addResult(result("r2", "a", "4", 0.001));
    join.addFused(fused("r2", false, "failed", null));
    join.addDecision(cascade("r3")); // its fused result was not read
    join.addDecision(decision("r4", "a", 1.0)); // no cascade

    DecisionFeedbackJoin.Cascades cascades = join.result().cascades();

    assertThat(join.hasCascades()).isTrue();
    assertThat(cascades.decisions()).isEqualTo(3);
    assertThat(cascades.withEscalations()).isEqualTo(2);
    assertThat(cascades.rule().order()).containsExactly("a", "b");
    assertThat(cascades.rule().exploration()).isEqualTo(0.1);
    LoggedCascade first = cascades.logged().get(0);
    assertThat(first.answeredBy()).isEqualTo("b");
    assertThat(first.steps())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.answered()).isTrue();
              assertThat(step.confidence()).hasValue(0.3);
              assertThat(step.propensity()).isEqualTo(0.9);
            });
    assertThat(first.outcomes())
        .extracting(Rewards.Outcome::expert, Rewards.Outcome::quality, Rewards.Outcome::cost)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 0.0, 0.001),
            org.assertj.core.groups.Tuple.tuple("b", 1.0, 0.03));
    LoggedCascade second = cascades.logged().get(1);
    assertThat(second.outcomes()).as("no feedback: nothing judged").isEmpty();
    assertThat(second.steps().get(0).answered()).isFalse();
    assertThat(second.answeredBy()).isEqualTo("a");
  }

  @Test
  void logsWithoutCascadesHaveNone() {
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    join.addDecision(decision("r1", "a", 1.0));

    assertThat(join.hasCascades()).isFalse();
    assertThat(join.result().cascades().decisions()).isZero();
    assertThat(join.result().cascades().rule()).isNull();
  }
}
