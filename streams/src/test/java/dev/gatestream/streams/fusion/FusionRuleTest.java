package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FusionRuleTest {

  private static FusionRule rule(int quorum, String strategy, boolean uniform) {
    return rule(
        quorum,
        strategy,
        uniform ? FusionSettings.Weights.UNIFORM : FusionSettings.Weights.GATE,
        new ExpertReliability("p"));
  }

  private static FusionRule rule(
      int quorum, String strategy, FusionSettings.Weights weights, ExpertReliability reliability) {
    return new FusionRule(
        new FusionSettings(
            quorum, Duration.ofSeconds(1), Duration.ofMillis(10), strategy, weights, List.of()),
        reliability);
  }

  @Test
  void reliabilityWeightsComeFromTheLatestSnapshotOfThePolicy() {
    ExpertReliability reliability = new ExpertReliability("p");
    FusionRule rule = rule(0, "auto", FusionSettings.Weights.RELIABILITY, reliability);
    List<ExpertResult> results =
        List.of(result("a", new Score(1.0), 0), result("b", new Score(0.0), 0));
    assertThat(
            ((Score) rule.fuse(decision("a", "b"), results, false, 1_500).getOutput()).getValue())
        .as("no snapshot yet: every expert weighs 1")
        .isEqualTo(0.5);

    reliability.offer(weights("p", 5, 0.2, 0.8));
    reliability.offer(weights("p", 4, 0.9, 0.1)); // older: ignored
    reliability.offer(weights("other", 9, 1.0, 0.0)); // another policy: ignored
    assertThat(
            ((Score) rule.fuse(decision("a", "b"), results, false, 1_500).getOutput()).getValue())
        .isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
  }

  private static dev.gatestream.contracts.RoutingWeights weights(
      String policy, long version, double a, double b) {
    return dev.gatestream.contracts.RoutingWeights.newBuilder()
        .setPolicy(policy)
        .setVersion(version)
        .setExperts(List.of("a", "b"))
        .setFeatureDimension(1)
        .setParameters(java.util.Map.of("reliability", List.of(a, b)))
        .setPublishedAtMs(0)
        .build();
  }

  private static RoutingDecision decision(String... experts) {
    List<ChosenExpert> chosen =
        java.util.Arrays.stream(experts)
            .map(expert -> new ChosenExpert(expert, expert.equals("a") ? 0.9 : 0.1, 0.5))
            .toList();
    return RoutingDecision.newBuilder()
        .setRequestId("r")
        .setPolicy("p")
        .setPolicyVersion(2)
        .setChosen(chosen)
        .setDeadlineMs(2_000)
        .setRequestCreatedAtMs(1_000)
        .setDecidedAtMs(1_001)
        .build();
  }

  private static ExpertResult result(String expert, Object output, double cost) {
    return ExpertResult.newBuilder()
        .setRequestId("r")
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(output)
        .setLatencyMs(5)
        .setCost(cost)
        .setCompletedAtMs(1_100)
        .build();
  }

  @Test
  void readyWhenAllAnsweredOrQuorumMet() {
    RoutingDecision decision = decision("a", "b", "c");
    List<ExpertResult> two =
        List.of(result("a", new Score(1.0), 0), result("b", new Score(2.0), 0));
    assertThat(rule(0, "auto", false).ready(decision, two)).isFalse();
    assertThat(rule(2, "auto", false).ready(decision, two)).isTrue();
    assertThat(
            rule(0, "auto", false)
                .ready(decision, List.of(two.get(0), two.get(1), result("c", new Score(3.0), 0))))
        .isTrue();
    // a result from an expert the decision did not choose does not count
    assertThat(
            rule(0, "auto", false).ready(decision(("a")), List.of(result("x", new Score(1.0), 0))))
        .isFalse();
  }

  @Test
  void gateWeightsOrUniformWeightsDriveTheFusion() {
    RoutingDecision decision = decision("a", "b");
    List<ExpertResult> results =
        List.of(result("a", new Score(1.0), 0.01), result("b", new Score(0.0), 0.02));
    FusedResult gated = rule(0, "auto", false).fuse(decision, results, false, 1_500);
    assertThat(((Score) gated.getOutput()).getValue()).isEqualTo(0.9);
    FusedResult uniform = rule(0, "auto", true).fuse(decision, results, false, 1_500);
    assertThat(((Score) uniform.getOutput()).getValue()).isEqualTo(0.5);
    assertThat(gated.getTotalCost()).isEqualTo(0.03);
    assertThat(gated.getLatencyMs()).isEqualTo(500);
    assertThat(gated.getPolicyVersion()).isEqualTo(2);
  }

  @Test
  void theMostCommonOutputTypeIsFusedAndTheOthersReported() {
    RoutingDecision decision = decision("a", "b", "c");
    List<ExpertResult> results =
        List.of(
            result("a", new TextAnswer("42"), 0),
            result("b", new ClassProbabilities(List.of("x"), List.of(1.0)), 0),
            result("c", new TextAnswer("42."), 0));
    FusedResult fused = rule(0, "auto", false).fuse(decision, results, false, 1_500);
    assertThat(fused.getStrategy()).isEqualTo("agreement-vote");
    assertThat(fused.getContributors()).containsExactly("a", "c");
    assertThat(fused.getExpertErrors()).containsOnlyKeys("b");
    assertThat(fused.getCompleteness()).isEqualTo(Completeness.COMPLETE);
  }

  @Test
  void errorsAreExcludedAndReported() {
    ExpertResult failed =
        ExpertResult.newBuilder()
            .setRequestId("r")
            .setExpert("b")
            .setStatus(ResultStatus.REJECTED)
            .setErrorMessage("circuit open: HTTP 503")
            .setLatencyMs(0)
            .setCompletedAtMs(1_100)
            .build();
    FusedResult fused =
        rule(0, "auto", false)
            .fuse(
                decision("a", "b"), List.of(result("a", new Score(0.3), 0), failed), false, 1_200);
    assertThat(fused.getContributors()).containsExactly("a");
    assertThat(fused.getExpertErrors()).containsEntry("b", "REJECTED: circuit open: HTTP 503");
    assertThat(((Score) fused.getOutput()).getValue()).isEqualTo(0.3);
  }
}
