package dev.gatestream.adaptation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.Lineage;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.PromotionEvidence;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.contracts.Score;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.ResultEvent.AnswerKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversionsTest {

  @Test
  void decisionKeepsChosenExpertsPropensitiesAndFeatures() {
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setRequestId("r1")
            .setPolicy("p")
            .setPolicyVersion(4)
            .setChosen(List.of(new ChosenExpert("a", 0.7, 0.6), new ChosenExpert("b", 0.3, 0.2)))
            .setFeatures(List.of(1f, 2f))
            .setDeadlineMs(900)
            .setRequestCreatedAtMs(1)
            .setDecidedAtMs(10)
            .build();

    DecisionEvent event = Conversions.decision(decision);

    assertThat(event.chosen()).containsExactly("a", "b");
    assertThat(event.propensities()).containsExactly(0.6, 0.2);
    assertThat(event.features()).containsExactly(1f, 2f);
    assertThat(event.decidedAtMs()).isEqualTo(10);
  }

  @Test
  void aShadowExpertIsJudgedAndLearnedLikeAnyOtherButNeverEvaluatedAsChosen() {
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setRequestId("r1")
            .setPolicy("p")
            .setPolicyVersion(4)
            .setChosen(List.of(new ChosenExpert("a", 1.0, 0.9)))
            .setShadow(List.of(new ChosenExpert("s", 0.0, 0.25)))
            .setFeatures(List.of(1f))
            .setDeadlineMs(900)
            .setRequestCreatedAtMs(1)
            .setDecidedAtMs(10)
            .build();
    ExpertResult a =
        ExpertResult.newBuilder()
            .setRequestId("r1")
            .setExpert("a")
            .setStatus(ResultStatus.OK)
            .setOutput(new Score(0.4))
            .setLatencyMs(3)
            .setCost(0.01)
            .setCompletedAtMs(20)
            .build();
    ExpertResult s = ExpertResult.newBuilder(a).setExpert("s").setCost(0.002).build();
    FeedbackEvent feedback =
        Conversions.feedback(
            dev.gatestream.contracts.Feedback.newBuilder()
                .setRequestId("r1")
                .setExpertRewards(java.util.Map.of("a", 0.5, "s", 1.0))
                .setObservedAtMs(30)
                .build());

    DecisionEvent learned = Conversions.learned(decision);
    assertThat(learned.chosen()).containsExactly("a", "s");
    assertThat(learned.propensities()).containsExactly(0.9, 0.25);
    assertThat(
            new dev.gatestream.policy.learning.Rewards(1.0)
                .score(
                    learned,
                    java.util.Map.of("a", Conversions.result(a), "s", Conversions.result(s)),
                    feedback))
        .extracting(f -> f.expert() + "=" + f.quality() + "/" + f.cost())
        .containsExactly("a=0.5/0.01", "s=1.0/0.002");
    assertThat(Conversions.decision(decision).chosen()).containsExactly("a");
  }

  @Test
  void resultsAreReducedToWhatALabelIsComparedWith() {
    ExpertResult classes =
        ExpertResult.newBuilder()
            .setRequestId("r1")
            .setExpert("a")
            .setStatus(ResultStatus.OK)
            .setOutput(new ClassProbabilities(List.of("A", "B", "C"), List.of(0.2, 0.5, 0.3)))
            .setLatencyMs(3)
            .setCost(0.01)
            .setCompletedAtMs(20)
            .build();
    ExpertResult score = ExpertResult.newBuilder(classes).setOutput(new Score(0.4)).build();
    ExpertResult failed =
        ExpertResult.newBuilder(classes).setStatus(ResultStatus.EXPIRED).setOutput(null).build();

    assertThat(Conversions.result(classes))
        .satisfies(
            event -> {
              assertThat(event.kind()).isEqualTo(AnswerKind.CLASS);
              assertThat(event.answer()).isEqualTo("B");
              assertThat(event.cost()).isEqualTo(0.01);
            });
    assertThat(Conversions.result(score))
        .extracting(ResultEvent::kind, ResultEvent::score)
        .containsExactly(AnswerKind.SCORE, 0.4);
    assertThat(Conversions.result(failed))
        .extracting(ResultEvent::ok, ResultEvent::kind)
        .containsExactly(false, AnswerKind.NONE);
  }

  @Test
  void feedbackWithoutRewardHasNaN() {
    Feedback feedback =
        Feedback.newBuilder()
            .setRequestId("r1")
            .setLabel("B")
            .setExpertRewards(Map.of("a", 0.5))
            .setObservedAtMs(30)
            .build();

    FeedbackEvent event = Conversions.feedback(feedback);

    assertThat(event.reward()).isNaN();
    assertThat(event.rewardOf("a")).isEqualTo(0.5);
    assertThat(event.rewardOf("b")).isNaN();
  }

  @Test
  void weightsBecomeARoutingWeightsRecord() {
    PublishedWeights weights =
        new PublishedWeights(
            "p",
            7,
            new String[] {"a"},
            2,
            new String[] {"w:a", "b"},
            new double[][] {{0.1, 0.2}, {0.3}},
            11,
            1_000,
            900,
            null);

    RoutingWeights record = Conversions.weights(weights);

    assertThat(record.getPolicy()).isEqualTo("p");
    assertThat(record.getVersion()).isEqualTo(7);
    assertThat(record.getExperts()).containsExactly("a");
    assertThat(record.getFeatureDimension()).isEqualTo(2);
    assertThat(record.getParameters())
        .containsEntry("w:a", List.of(0.1, 0.2))
        .containsEntry("b", List.of(0.3));
    assertThat(record.getExamples()).isEqualTo(11);
    assertThat(record.getPublishedAtMs()).isEqualTo(1_000);
  }

  @Test
  void aLineageTravelsOnThePublishedRecordAndBack() {
    Lineage lineage = new Lineage("task-rules:default.experts=a", "trained@v0", 3L, 0.0);
    PublishedWeights weights =
        new PublishedWeights(
            "p", 7, new String[] {"a"}, 2, new String[0], new double[0][], 0, 1_000, 900, lineage);

    RoutingWeights record = Conversions.weights(weights);

    assertThat(record.getGate()).isEqualTo("task-rules:default.experts=a");
    assertThat(record.getPromotedFrom()).isEqualTo("trained@v0");
    assertThat(record.getPreviousVersion()).isEqualTo(3);
    assertThat(record.getCanaryShare()).isZero();
    assertThat(record.getEvidence()).isNull();
    assertThat(Conversions.lineage(record)).isEqualTo(lineage);
  }

  @Test
  void onlyVersionsWithEvidenceAreAdopted() {
    AdaptationSettings settings =
        new AdaptationSettings(
            List.of("a", "b"), LearnerSettings.defaults(LearnerKind.LINEAR, 2), 0, 3, 1, 1, 0);
    RoutingWeights learned =
        RoutingWeights.newBuilder()
            .setPolicy("p")
            .setVersion(5)
            .setExperts(List.of())
            .setFeatureDimension(2)
            .setParameters(Map.of())
            .setPublishedAtMs(1_000)
            .build();
    assertThat(Conversions.adopted(learned, settings, 20)).isNull();

    RoutingWeights promoted =
        RoutingWeights.newBuilder(learned)
            .setGate("task-rules:default.experts=a")
            .setPromotedFrom("trained@v0")
            .setPreviousVersion(4L)
            .setEvidence(
                PromotionEvidence.newBuilder()
                    .setDecidedBy("rule")
                    .setReason("cleared")
                    .setDecisions(400)
                    .setCoverage(0.9)
                    .setConfidence(0.9)
                    .setEffectiveSampleSize(55)
                    .setDecidedAtMs(1_000)
                    .build())
            .build();
    Adopted adopted = Conversions.adopted(promoted, settings, 20);
    assertThat(adopted.policy()).isEqualTo("p");
    assertThat(adopted.version()).isEqualTo(5);
    // Task rules publish no weights: nothing for the learner to resume from.
    assertThat(adopted.learner()).isNull();
    assertThat(adopted.lineage())
        .isEqualTo(new Lineage("task-rules:default.experts=a", "trained@v0", 4L, null));
  }
}
