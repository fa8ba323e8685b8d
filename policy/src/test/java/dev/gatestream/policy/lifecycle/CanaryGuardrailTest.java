package dev.gatestream.policy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanaryGuardrailTest {

  private final CanaryGuardrail guardrail = new CanaryGuardrail(0.05, 30, 0.95);

  private static CanaryGuardrail.Arm arm(int n, double p, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    CanaryGuardrail.Arm arm = new CanaryGuardrail.Arm();
    for (int i = 0; i < n; i++) {
      arm.add(random.nextDouble() < p ? 1 : 0);
    }
    return arm;
  }

  @Test
  void aCanaryFarBelowProductionIsRolledBackOnceItHasItsOutcomes() {
    assertThat(guardrail.judge(arm(29, 0.1, 1), arm(500, 0.7, 2)).outcome())
        .isEqualTo(Verdict.Outcome.HOLD);
    Verdict verdict = guardrail.judge(arm(60, 0.1, 1), arm(500, 0.7, 2));
    assertThat(verdict.acts()).as(verdict.reason()).isTrue();
    assertThat(verdict.reason())
        .startsWith("canary 0.")
        .contains("(n=60) vs production 0.")
        .endsWith(": below production by more than 0.0500");
  }

  @Test
  void aCanaryAsGoodAsProductionOrWithinTheMarginStays() {
    assertThat(guardrail.judge(arm(400, 0.7, 3), arm(400, 0.7, 4)).outcome())
        .isEqualTo(Verdict.Outcome.HOLD);
    // 0.02 below, with 20,000 each: the interval is tight, and within the margin.
    assertThat(guardrail.judge(arm(20_000, 0.68, 5), arm(20_000, 0.70, 6)).outcome())
        .isEqualTo(Verdict.Outcome.HOLD);
  }

  @Test
  void theIntervalIsTheNormalOneOfTwoIndependentMeans() {
    CanaryGuardrail.Arm canary = new CanaryGuardrail.Arm();
    CanaryGuardrail.Arm production = new CanaryGuardrail.Arm();
    for (int i = 0; i < 100; i++) {
      canary.add(i % 2);
      production.add(1);
    }
    var d = guardrail.difference(canary, production);
    assertThat(d.value()).isEqualTo(-0.5);
    // sd of 0/1 halves: sqrt(0.25 * 100 / 99), its mean's: that over 10; z = 1.95996.
    double se = Math.sqrt(0.25 * 100 / 99) / 10;
    assertThat(d.standardError()).isEqualTo(se, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(d.upper())
        .isEqualTo(-0.5 + 1.959964 * se, org.assertj.core.data.Offset.offset(1e-6));
  }
}
