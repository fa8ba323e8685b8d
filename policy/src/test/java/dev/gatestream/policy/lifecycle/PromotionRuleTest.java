package dev.gatestream.policy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.CandidatePolicy;
import dev.gatestream.policy.evaluation.Comparison;
import dev.gatestream.policy.evaluation.EvaluationSettings;
import dev.gatestream.policy.evaluation.LoggedDecision;
import dev.gatestream.policy.evaluation.OffPolicyEvaluator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The promotion rule on real comparisons: a uniform logging policy over a good and a bad expert,
 * judged against candidates that always pick one of them.
 */
class PromotionRuleTest {

  private static final PromotionRule RULE = new PromotionRule(0.0, 50, 0.5, 0);
  private final OffPolicyEvaluator evaluator =
      new OffPolicyEvaluator(EvaluationSettings.defaults().withBootstrap(300, 0.95, 3));

  /** Uniform top-1 over a (quality 1 with probability 0.8) and b (0.3). */
  static List<LoggedDecision> log(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LoggedDecision> log = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String expert = random.nextBoolean() ? "a" : "b";
      double quality = random.nextDouble() < (expert.equals("a") ? 0.8 : 0.3) ? 1 : 0;
      log.add(
          new LoggedDecision(
              "r" + i,
              null,
              null,
              new float[] {1f},
              null,
              List.of(new Choice(expert, 1, 0.5)),
              Map.of("a", 0.5, "b", 0.5),
              Map.of(expert, quality),
              Map.of(expert, expert.equals("a") ? 0.01 : 0.001)));
    }
    return log;
  }

  private static final CandidatePolicy PRODUCTION = decision -> decision.loggingPropensities();

  private Comparison compare(List<LoggedDecision> log, CandidatePolicy candidate) {
    return evaluator.compare(log, candidate, PRODUCTION);
  }

  @Test
  void theBetterCandidateIsPromotedOnceItsLowerBoundClearsAndHeldBefore() {
    Comparison few = compare(log(40, 1), CandidatePolicy.always("a"));
    Verdict early = RULE.judge(new PromotionRule.Evidence(40, 40, few, null));
    assertThat(early.outcome()).isEqualTo(Verdict.Outcome.HOLD);
    assertThat(early.reason()).contains("ESS below 50");

    Comparison many = compare(log(800, 2), CandidatePolicy.always("a"));
    Verdict verdict = RULE.judge(new PromotionRule.Evidence(800, 800, many, null));
    assertThat(verdict.acts()).as(verdict.reason()).isTrue();
    assertThat(many.reward().lower()).isGreaterThan(0);
    // Always a is worth 0.8, the uniform policy 0.55.
    assertThat(many.reward().value()).isBetween(0.15, 0.35);
    assertThat(verdict.reason()).startsWith("candidate − production +0.").contains("ESS ");
  }

  @Test
  void theWorseCandidateIsRefusedWhenEvenItsUpperBoundIsBelowTheMargin() {
    Comparison worse = compare(log(800, 4), CandidatePolicy.always("b"));
    Verdict verdict = RULE.judge(new PromotionRule.Evidence(800, 800, worse, null));
    assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.REFUSE);
    assertThat(verdict.reason()).contains("even the upper bound is not above the margin");
    assertThat(worse.reward().upper()).isLessThan(0);
  }

  @Test
  void aMarginTheLowerBoundDoesNotClearHoldsTheCandidate() {
    Comparison better = compare(log(800, 5), CandidatePolicy.always("a"));
    Verdict verdict =
        new PromotionRule(better.reward().lower() + 0.01, 50, 0.5, 0)
            .judge(new PromotionRule.Evidence(800, 800, better, null));
    assertThat(verdict.outcome()).isEqualTo(Verdict.Outcome.HOLD);
    assertThat(verdict.reason()).contains("the lower bound is not above the margin");
  }

  @Test
  void tooLittleFeedbackOrUnsupportedPropensitiesOrACostOverTheCeilingAreRefused() {
    Comparison better = compare(log(800, 6), CandidatePolicy.always("a"));
    assertThat(RULE.judge(new PromotionRule.Evidence(2000, 800, better, null)).reason())
        .isEqualTo(
            "feedback judged 800 of 2000 decisions (40.0%), less than 50.0%: too little to judge by");
    Verdict unsupported =
        RULE.judge(new PromotionRule.Evidence(800, 800, null, "candidate selects expert c ..."));
    assertThat(unsupported.outcome()).isEqualTo(Verdict.Outcome.REFUSE);
    assertThat(unsupported.reason())
        .startsWith("the production log cannot support the candidate: candidate selects expert c");
    Verdict costly =
        new PromotionRule(0, 50, 0.5, 0.005)
            .judge(new PromotionRule.Evidence(800, 800, better, null));
    assertThat(costly.outcome()).isEqualTo(Verdict.Outcome.REFUSE);
    assertThat(costly.reason()).contains("over the ceiling 0.00500");
  }

  @Test
  void theComparisonPairsTheSameResamplesAndAgreesWithEvaluate() {
    List<LoggedDecision> log = log(300, 7);
    Comparison same = compare(log, PRODUCTION);
    assertThat(same.reward().value()).isZero();
    assertThat(same.reward().lower()).isZero();
    assertThat(same.reward().upper()).isZero();

    Comparison better = compare(log, CandidatePolicy.always("a"));
    assertThat(better.candidate().doublyRobust())
        .isEqualTo(evaluator.evaluate(log, CandidatePolicy.always("a")).doublyRobust());
    assertThat(better.production().doublyRobust())
        .isEqualTo(evaluator.evaluate(log, PRODUCTION).doublyRobust());
    assertThat(better.reward().value())
        .isEqualTo(
            better.candidate().doublyRobust().value() - better.production().doublyRobust().value(),
            org.assertj.core.data.Offset.offset(1e-12));
    // Paired: narrower than the two intervals' widths added.
    assertThat(better.reward().width())
        .isLessThan(
            better.candidate().doublyRobust().width() + better.production().doublyRobust().width());
  }
}
