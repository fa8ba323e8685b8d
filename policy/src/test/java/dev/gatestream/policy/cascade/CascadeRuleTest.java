package dev.gatestream.policy.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.policy.Expert;
import dev.gatestream.policy.cascade.CascadeRule.Reason;
import dev.gatestream.policy.cascade.CascadeRule.Step;
import java.util.List;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CascadeRuleTest {

  private final CascadeRule rule =
      new CascadeRule(List.of("cheap", "mid", "strong"), 0.7, 500, 0.1);

  @Test
  void lowConfidenceEscalatesToTheNextExpertWithItsProbability() {
    Step step = rule.decide(0, true, OptionalDouble.of(0.4), 2_000, 0.5);

    assertThat(step.escalated()).isTrue();
    assertThat(step.from()).isEqualTo("cheap");
    assertThat(step.to()).isEqualTo("mid");
    assertThat(step.escalateProbability()).isEqualTo(0.9);
    assertThat(step.propensity()).isEqualTo(0.9);
    assertThat(step.reason()).isEqualTo(Reason.LOW_CONFIDENCE);
    assertThat(step.remainingMs()).isEqualTo(2_000);
  }

  @Test
  void aConfidentAnswerStandsExceptUnderExploration() {
    Step kept = rule.decide(1, true, OptionalDouble.of(0.95), 2_000, 0.5);
    Step explored = rule.decide(1, true, OptionalDouble.of(0.95), 2_000, 0.05);

    assertThat(kept.escalated()).isFalse();
    assertThat(kept.to()).isEqualTo("strong");
    assertThat(kept.propensity()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(kept.reason()).isEqualTo(Reason.CONFIDENT);
    assertThat(explored.escalated()).isTrue();
    assertThat(explored.propensity()).isEqualTo(0.1);
  }

  @Test
  void theThresholdItselfIsConfidentEnough() {
    assertThat(rule.decide(0, true, OptionalDouble.of(0.7), 2_000, 0.5).escalated()).isFalse();
  }

  @Test
  void failuresAndAnswersWithoutConfidenceEscalate() {
    Step failed = rule.decide(0, false, OptionalDouble.empty(), 2_000, 0.5);
    Step silent = rule.decide(0, true, OptionalDouble.empty(), 2_000, 0.5);

    assertThat(failed.escalated()).isTrue();
    assertThat(failed.reason()).isEqualTo(Reason.FAILED);
    assertThat(silent.escalated()).isTrue();
    assertThat(silent.reason()).isEqualTo(Reason.NO_CONFIDENCE);
  }

  @Test
  void tooLittleTimeLeftNeverEscalatesAndSaysSo() {
    Step step = rule.decide(0, true, OptionalDouble.of(0.1), 499, 0.0);

    assertThat(step.escalated()).isFalse();
    assertThat(step.escalateProbability()).isZero();
    assertThat(step.propensity()).isEqualTo(1.0);
    assertThat(step.reason()).isEqualTo(Reason.NO_TIME);
  }

  @Test
  void withoutExplorationTheDecisionIsDeterministic() {
    CascadeRule strict = new CascadeRule(List.of("a", "b"), 0.5, 0, 0);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1_000; i++) {
      double u = random.nextDouble();
      assertThat(strict.decide(0, true, OptionalDouble.of(0.49), 10, u).escalated()).isTrue();
      assertThat(strict.decide(0, true, OptionalDouble.of(0.51), 10, u).escalated()).isFalse();
    }
    assertThat(strict.decide(0, true, OptionalDouble.of(0.51), 10, 0.0).propensity())
        .isEqualTo(1.0);
  }

  @Test
  void escalatesAsOftenAsItsProbabilitySays() {
    SplittableRandom random = new SplittableRandom(11);
    int escalated = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      if (rule.decide(0, true, OptionalDouble.of(0.9), 2_000, random.nextDouble()).escalated()) {
        escalated++;
      }
    }
    assertThat(escalated / (double) n).isBetween(0.09, 0.11);
  }

  @Test
  void theLastStageHasNothingToEscalateTo() {
    assertThat(rule.hasNext(1)).isTrue();
    assertThat(rule.hasNext(2)).isFalse();
    assertThatThrownBy(() -> rule.decide(2, true, OptionalDouble.of(0.1), 2_000, 0.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("last");
  }

  @Test
  void anEmptyOrderTakesEveryExpertByPriceCheapestFirst() {
    CascadeRule byPrice =
        new CascadeRule(List.of(), 0.7, 500, 0)
            .inPriceOrder(
                List.of(
                    new Expert("gpt-4", 0.03),
                    new Expert("mixtral", 0.0006),
                    new Expert("llama", 0.0006)));

    assertThat(byPrice.order()).containsExactly("mixtral", "llama", "gpt-4");
    assertThat(byPrice.first()).isEqualTo("mixtral");
    assertThat(rule.inPriceOrder(List.of(new Expert("x", 1)))).isSameAs(rule);
  }

  @Test
  void refusesWhatIsNoCascade() {
    assertThatThrownBy(() -> new CascadeRule(List.of("a"), 0.7, 0, 0))
        .hasMessageContaining("at least two");
    assertThatThrownBy(() -> new CascadeRule(List.of("a", "a"), 0.7, 0, 0))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new CascadeRule(List.of("a", "b"), 1.5, 0, 0))
        .hasMessageContaining("threshold");
    assertThatThrownBy(() -> new CascadeRule(List.of("a", "b"), 0.5, -1, 0))
        .hasMessageContaining("remaining");
    assertThatThrownBy(() -> new CascadeRule(List.of("a", "b"), 0.5, 0, 0.6))
        .hasMessageContaining("exploration");
    assertThatThrownBy(
            () -> new CascadeRule(List.of(), 0.5, 0, 0).inPriceOrder(List.of(new Expert("a", 1))))
        .hasMessageContaining("at least two");
  }
}
