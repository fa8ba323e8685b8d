package dev.gatestream.it;

import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One fully populated instance of every contract, optional fields and every output variant
 * included.
 */
final class SampleRecords {

  private SampleRecords() {}

  static InferenceRequest request(String id) {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(1_700_000_000_000L)
        .setTask("mmlu/abstract_algebra")
        .setText("Find all c in Z_3 such that Z_3[x]/(x^2 + c) is a field.\nA. 0\nB. 1")
        .setFeatures(List.of(0.25f, -1.5f, 3.0f))
        .setAttributes(Map.of("tenant", "acme", "trace", "t-1"))
        .setDeadlineMs(1_700_000_002_000L)
        .setCostBudget(0.002)
        .setReplyTo("replies-acme")
        .build();
  }

  static List<SpecificRecord> everyType(String id) {
    InferenceRequest request = request(id);
    return List.of(
        request,
        ExpertTask.newBuilder()
            .setRequestId(id)
            .setExpert("meta/llama-2-70b-chat")
            .setRequest(request)
            .setGateWeight(0.7)
            .setPolicyVersion(3)
            .setIssuedAtMs(1_700_000_000_010L)
            .build(),
        ExpertResult.newBuilder()
            .setRequestId(id)
            .setExpert("meta/llama-2-70b-chat")
            .setStatus(ResultStatus.OK)
            .setOutput(
                ClassProbabilities.newBuilder()
                    .setLabels(List.of("A", "B"))
                    .setProbabilities(List.of(0.1, 0.9))
                    .build())
            .setLatencyMs(412)
            .setCost(0.0009)
            .setCompletedAtMs(1_700_000_000_500L)
            .build(),
        ExpertResult.newBuilder()
            .setRequestId(id)
            .setExpert("gpt-4-1106-preview")
            .setStatus(ResultStatus.ERROR)
            .setLatencyMs(30)
            .setErrorMessage("HTTP 503")
            .setCompletedAtMs(1_700_000_000_600L)
            .build(),
        RoutingDecision.newBuilder()
            .setRequestId(id)
            .setPolicy("top-p")
            .setPolicyVersion(3)
            .setChosen(
                List.of(
                    ChosenExpert.newBuilder()
                        .setExpert("meta/llama-2-70b-chat")
                        .setGateWeight(0.7)
                        .setPropensity(0.85)
                        .build()))
            .setCandidatePropensities(
                Map.of("meta/llama-2-70b-chat", 0.85, "gpt-4-1106-preview", 0.15))
            .setFeaturizer("hashed-text")
            .setFeatures(List.of(1f, 0f, 2f))
            .setTask("mmlu")
            .setDeadlineMs(1_700_000_002_000L)
            .setRequestCreatedAtMs(1_700_000_000_000L)
            .setReplyTo("replies-acme")
            .setDecidedAtMs(1_700_000_000_005L)
            .build(),
        FusedResult.newBuilder()
            .setRequestId(id)
            .setOutput(Score.newBuilder().setValue(0.42).build())
            .setStrategy("weighted-mean")
            .setContributors(List.of("meta/llama-2-70b-chat"))
            .setExpected(List.of("meta/llama-2-70b-chat", "gpt-4-1106-preview"))
            .setExpertErrors(Map.of("gpt-4-1106-preview", "ERROR: HTTP 503"))
            .setCompleteness(Completeness.PARTIAL)
            .setTotalCost(0.0009)
            .setLatencyMs(700)
            .setPolicyVersion(3)
            .setAttributes(Map.of("tenant", "acme"))
            .setEmittedAtMs(1_700_000_000_700L)
            .build(),
        FusedResult.newBuilder()
            .setRequestId(id)
            .setOutput(TextAnswer.newBuilder().setText("B").build())
            .setStrategy("first-successful")
            .setContributors(List.of("gpt-4-1106-preview"))
            .setCompleteness(Completeness.COMPLETE)
            .setLatencyMs(900)
            .setEmittedAtMs(1_700_000_000_900L)
            .build(),
        Feedback.newBuilder()
            .setRequestId(id)
            .setReward(1.0)
            .setLabel("B")
            .setExpertRewards(Map.of("meta/llama-2-70b-chat", 1.0, "gpt-4-1106-preview", 0.0))
            .setObservedAtMs(1_700_000_060_000L)
            .build(),
        RoutingWeights.newBuilder()
            .setPolicy("top-p")
            .setVersion(4)
            .setExperts(List.of("meta/llama-2-70b-chat", "gpt-4-1106-preview"))
            .setFeatureDimension(3)
            .setParameters(
                Map.of(
                    "w:meta/llama-2-70b-chat",
                    List.of(0.1, 0.2, 0.3),
                    "w:gpt-4-1106-preview",
                    List.of(-0.1, 0.0, 0.5),
                    "bias",
                    List.of(0.0, 0.1)))
            .setExamples(1200)
            .setPublishedAtMs(1_700_000_100_000L)
            .build(),
        CandidateDecision.newBuilder()
            .setRequestId(id)
            .setCandidate("top-1")
            .setCandidateVersion(2)
            .setProduction("top-p")
            .setProductionVersion(3)
            .setChosen(
                List.of(
                    ChosenExpert.newBuilder()
                        .setExpert("gpt-4-1106-preview")
                        .setGateWeight(1.0)
                        .setPropensity(1.0)
                        .build()))
            .setCandidatePropensities(
                Map.of("meta/llama-2-70b-chat", 0.0, "gpt-4-1106-preview", 1.0))
            .setProductionPropensities(
                Map.of("meta/llama-2-70b-chat", 0.85, "gpt-4-1106-preview", 0.15))
            .setCanary(false)
            .setTask("mmlu")
            .setDecidedAtMs(1_700_000_000_005L)
            .build());
  }
}
