package dev.gatestream.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.policy.evaluation.Evaluation;
import dev.gatestream.policy.lifecycle.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle's judgement of a production log: production picks a or b uniformly, a is right 80%
 * of the time and b 30%; the candidate always picks a (or, as the bad one, b); a shadow s, right
 * 60%, answers a third of the requests.
 */
class LifecycleLogTest {

  private static LifecycleSettings settings(String candidate) {
    return LifecycleSettings.from(
        new ConfigLoader(Map.of())
            .load(
                null,
                Map.of(
                    GatestreamConfig.ROUTER_POLICY, "prod",
                    GatestreamConfig.ROUTER_CANDIDATE_POLICY, candidate,
                    GatestreamConfig.POLICY_PROMOTION_MIN_ESS, "50",
                    GatestreamConfig.POLICY_PROMOTION_BOOTSTRAP_SAMPLES, "200")));
  }

  private static LifecycleLog log(
      String candidate, String candidateExpert, double canaryShare, int n) {
    return log(candidate, candidateExpert, canaryShare, n, 0.6);
  }

  private static LifecycleLog log(
      String candidate, String candidateExpert, double canaryShare, int n, double shadowRight) {
    LifecycleLog log = new LifecycleLog(settings(candidate));
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      String id = "r" + i;
      boolean canary = random.nextDouble() < canaryShare;
      String expert = canary ? candidateExpert : (random.nextBoolean() ? "a" : "b");
      boolean shadowed = random.nextDouble() < 1 / 3.0;
      double pa = (1 - canaryShare) * 0.5 + canaryShare * (candidateExpert.equals("a") ? 1 : 0);
      Map<String, Double> mixture = Map.of("a", pa, "b", 1 - pa);
      log.add(
          RoutingDecision.newBuilder()
              .setRequestId(id)
              .setPolicy(canary ? candidate : "prod")
              .setPolicyVersion(0)
              .setChosen(List.of(new ChosenExpert(expert, 1.0, mixture.get(expert))))
              .setCandidatePropensities(mixture)
              .setShadow(shadowed ? List.of(new ChosenExpert("s", 0.0, 1 / 3.0)) : List.of())
              .setDeadlineMs(10)
              .setRequestCreatedAtMs(1)
              .setDecidedAtMs(2)
              .build());
      log.add(
          CandidateDecision.newBuilder()
              .setRequestId(id)
              .setCandidate(candidate)
              .setCandidateVersion(0)
              .setProduction("prod")
              .setProductionVersion(0)
              .setChosen(List.of(new ChosenExpert(candidateExpert, 1.0, 1.0)))
              .setCandidatePropensities(
                  Map.of(
                      "a",
                      candidateExpert.equals("a") ? 1.0 : 0.0,
                      "b",
                      candidateExpert.equals("b") ? 1.0 : 0.0))
              .setProductionPropensities(Map.of("a", 0.5, "b", 0.5))
              .setCanary(canary)
              .setDecidedAtMs(2)
              .build());
      Map<String, Double> rewards = new HashMap<>();
      rewards.put(expert, random.nextDouble() < (expert.equals("a") ? 0.8 : 0.3) ? 1.0 : 0.0);
      log.add(result(id, expert));
      if (shadowed) {
        rewards.put("s", random.nextDouble() < shadowRight ? 1.0 : 0.0);
        log.add(result(id, "s"));
      }
      log.add(
          Feedback.newBuilder()
              .setRequestId(id)
              .setExpertRewards(rewards)
              .setObservedAtMs(3)
              .build());
    }
    return log;
  }

  private static ExpertResult result(String id, String expert) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(new Score(0.5))
        .setLatencyMs(1)
        .setCost(expert.equals("s") ? 0.002 : 0.001)
        .setCompletedAtMs(3)
        .build();
  }

  @Test
  void theBetterCandidateIsPromotedOnThePairedDoublyRobustComparison() {
    LifecycleReport report = log("always-a", "a", 0, 800).report();

    assertThat(report.decisions()).isEqualTo(800);
    assertThat(report.judged()).isEqualTo(800);
    assertThat(report.promotion().acts()).as(report.promotion().reason()).isTrue();
    // Always a: 0.8; uniform: 0.55.
    assertThat(report.comparison().reward().value()).isBetween(0.15, 0.35);
    assertThat(report.comparison().reward().lower()).isGreaterThan(0);
    assertThat(report.canary()).isNull();
    assertThat(report.lines()).anyMatch(line -> line.startsWith("  promotion: yes — "));
  }

  @Test
  void theWorseCandidateIsRefusedAndItsCanaryRolledBack() {
    LifecycleReport report = log("always-b", "b", 0.3, 800).report();

    assertThat(report.promotion().outcome()).isEqualTo(Verdict.Outcome.REFUSE);
    assertThat(report.canary().acts()).as(report.canary().reason()).isTrue();
    assertThat(report.canary().reason()).startsWith("canary 0.");
  }

  @Test
  void theCanaryIsJudgedOnItsOwnOutcomesByTheSameEstimatorAndReward() {
    LifecycleReport report = log("always-b", "b", 0.3, 800).report();

    Evaluation own = report.canaryOutcomes();
    // About 30% of 800 requests were the canary's, each judged at weight 1 (it logged them).
    assertThat(own.used()).isBetween(200, 280);
    assertThat(own.effectiveSampleSize()).isEqualTo(own.used(), Offset.offset(1e-6));
    // b is right 30% of the time; the reward prices its 0.001 USD at router.gate.lambda.
    double truth = 0.3 - settings("always-b").rewards().lambda() * 0.001;
    Estimate onOwn = own.doublyRobust();
    Estimate onLog = report.comparison().candidate().doublyRobust();
    assertThat(onOwn.lower()).isLessThan(truth);
    assertThat(onOwn.upper()).isGreaterThan(truth);
    assertThat(onLog.lower()).isLessThan(truth);
    assertThat(onLog.upper()).isGreaterThan(truth);
    // Without a canary there are no outcomes of its own.
    assertThat(log("always-a", "a", 0, 200).report().canaryOutcomes()).isNull();
    assertThat(report.lines()).anyMatch(line -> line.startsWith("  on its canary's own "));
  }

  @Test
  void theShadowIsComparedWithEachProductionExpertOnTheSameRequests() {
    LifecycleReport report = log("always-a", "a", 0, 900).report();

    assertThat(report.shadows())
        .extracting(LifecycleReport.ShadowRow::against)
        .containsExactly("a", "b");
    LifecycleReport.ShadowRow vsA = report.shadows().get(0);
    LifecycleReport.ShadowRow vsB = report.shadows().get(1);
    assertThat(vsA.requests() + vsB.requests()).isBetween(240L, 360L);
    assertThat(vsA.shadowCost()).isEqualTo(0.002, org.assertj.core.data.Offset.offset(1e-12));
    // s (0.6) is worse than a (0.8) and better than b (0.3).
    assertThat(vsA.difference().upper()).isLessThan(0.1);
    assertThat(vsB.difference().lower()).isGreaterThan(0.1);
  }

  @Test
  void aShadowThatClearsTheBarIsForPromotionAndOneThatDoesNotIsNot() {
    // s right 90% against production's 55% on the requests it shadowed.
    LifecycleReport.ShadowVerdict better =
        log("always-a", "a", 0, 900, 0.9).report().shadowVerdicts().get(0);
    assertThat(better.shadow()).isEqualTo("s");
    assertThat(better.sampled()).isBetween(240, 360);
    assertThat(better.judged()).isEqualTo(better.sampled());
    assertThat(better.verdict().acts()).as(better.reason()).isTrue();
    // Weight 1 on every request it shadowed: ESS = requests judged.
    assertThat(better.comparison().candidate().effectiveSampleSize())
        .isEqualTo(better.judged(), Offset.offset(1e-6));
    assertThat(better.comparison().reward().value()).isBetween(0.25, 0.45);

    // s right 60%: within noise of production on about 300 requests, so not promoted.
    LifecycleReport report = log("always-a", "a", 0, 900).report();
    assertThat(report.shadowVerdicts())
        .singleElement()
        .satisfies(one -> assertThat(one.verdict().acts()).isFalse());
    assertThat(report.lines()).anyMatch(line -> line.startsWith("shadow s vs production on "));
  }

  @Test
  void withoutFeedbackThereIsNothingToJudgeYet() {
    LifecycleLog log = new LifecycleLog(settings("c"));
    log.add(
        RoutingDecision.newBuilder()
            .setRequestId("r1")
            .setPolicy("prod")
            .setPolicyVersion(0)
            .setChosen(List.of(new ChosenExpert("a", 1.0, 0.5)))
            .setCandidatePropensities(Map.of("a", 0.5, "b", 0.5))
            .setDeadlineMs(10)
            .setRequestCreatedAtMs(1)
            .setDecidedAtMs(2)
            .build());
    assertThat(log.report().promotion().outcome()).isEqualTo(Verdict.Outcome.HOLD);
  }
}
