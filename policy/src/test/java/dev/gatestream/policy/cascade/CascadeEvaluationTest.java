package dev.gatestream.policy.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.gatestream.policy.learning.Rewards;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CascadeEvaluationTest {

  private static final double CHEAP = 0.001;
  private static final double STRONG = 0.03;

  /**
   * Requests whose cheap answer is right exactly when its confidence is at least 0.5; the strong
   * expert is always right.
   */
  private static List<LoggedCascade> log(CascadeRule rule, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LoggedCascade> log = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      double confidence = random.nextDouble();
      CascadeRule.Step step =
          rule.decide(0, true, OptionalDouble.of(confidence), 2_000, random.nextDouble());
      List<Rewards.Outcome> outcomes = new ArrayList<>();
      outcomes.add(new Rewards.Outcome("cheap", confidence >= 0.5 ? 1 : 0, CHEAP, 1));
      if (step.escalated()) {
        outcomes.add(new Rewards.Outcome("strong", 1, STRONG, step.propensity()));
      }
      log.add(
          new LoggedCascade(
              "r" + i,
              List.of(
                  new LoggedCascade.Step(
                      "cheap",
                      "strong",
                      true,
                      step.confidence(),
                      2_000,
                      step.escalated(),
                      step.propensity())),
              outcomes));
    }
    return log;
  }

  @Test
  void estimatesAnotherThresholdFromAnExploringLog() {
    CascadeRule logging = new CascadeRule(List.of("cheap", "strong"), 0.8, 500, 0.2);
    List<LoggedCascade> log = log(logging, 20_000, 5);
    CascadeEvaluation evaluation = new CascadeEvaluation(new Rewards(0));

    CascadeEvaluation.Estimate at05 =
        evaluation.estimate(logging.withThreshold(0.5).withExploration(0), log);

    // At 0.5 exactly the wrong cheap answers escalate: quality 1, half the requests escalate.
    assertThat(at05.quality()).isCloseTo(1.0, offset(0.02));
    assertThat(at05.escalationRate()).isCloseTo(0.5, offset(0.03));
    assertThat(at05.cost()).isCloseTo(CHEAP + 0.5 * STRONG, offset(0.002));
    assertThat(at05.supported()).isBetween(5_000, 15_000);
    // At 0.2 the cheap answers between 0.2 and 0.5 stand, wrong: quality 0.7.
    CascadeEvaluation.Estimate at02 =
        evaluation.estimate(logging.withThreshold(0.2).withExploration(0), log);
    assertThat(at02.quality()).isCloseTo(0.7, offset(0.03));
    assertThat(at02.escalationRate()).isCloseTo(0.2, offset(0.03));
  }

  @Test
  void theLoggedRuleIsItsOwnMean() {
    CascadeRule logging = new CascadeRule(List.of("cheap", "strong"), 0.6, 500, 0.1);
    List<LoggedCascade> log = log(logging, 2_000, 9);
    double meanQuality =
        log.stream()
            .mapToDouble(
                one ->
                    one.outcomes().stream()
                        .filter(o -> o.expert().equals(one.answeredBy()))
                        .findFirst()
                        .orElseThrow()
                        .quality())
            .average()
            .orElseThrow();

    CascadeEvaluation.Estimate own = new CascadeEvaluation(new Rewards(0)).estimate(logging, log);

    assertThat(own.supported()).isEqualTo(2_000);
    assertThat(own.effectiveSampleSize()).isCloseTo(2_000, offset(1e-6));
    assertThat(own.quality()).isCloseTo(meanQuality, offset(1e-9));
  }

  @Test
  void withoutExplorationOnlyAgreeingRequestsAreSupportedAndTheRewardPricesCost() {
    CascadeRule logging = new CascadeRule(List.of("cheap", "strong"), 0.5, 500, 0);
    List<LoggedCascade> log = log(logging, 1_000, 3);
    CascadeEvaluation evaluation = new CascadeEvaluation(new Rewards(10));

    List<CascadeEvaluation.Estimate> sweep = evaluation.sweep(logging, List.of(0.5, 0.9), log);

    assertThat(sweep.get(0).supported()).isEqualTo(1_000);
    assertThat(sweep.get(0).value())
        .isCloseTo(sweep.get(0).quality() - 10 * sweep.get(0).cost(), offset(1e-9));
    // 0.9 disagrees where the confidence is in [0.5, 0.9): those requests cannot be judged.
    assertThat(sweep.get(1).supported()).isBetween(550, 650);
  }

  @Test
  void refusesStepsWithoutAUsablePropensity() {
    assertThatThrownBy(
            () ->
                new LoggedCascade(
                    "r1",
                    List.of(
                        new LoggedCascade.Step(
                            "a", "b", true, OptionalDouble.of(0.1), 10, true, 0)),
                    List.of()))
        .hasMessageContaining("propensity");
  }
}
