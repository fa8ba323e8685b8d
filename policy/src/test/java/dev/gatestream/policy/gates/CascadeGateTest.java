package dev.gatestream.policy.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.cascade.CascadeRule;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CascadeGateTest {

  private static final List<Expert> EXPERTS =
      List.of(new Expert("strong", 0.03), new Expert("cheap", 0.0006), new Expert("mid", 0.002));

  private static Selection select(Gate gate) {
    return gate.select(
        new RoutingInput("r1", "math", "two plus two", null, null),
        new float[4],
        new SplittableRandom(1));
  }

  @Test
  void sendsEveryRequestToTheFirstExpertOfTheOrderWithPropensityOne() {
    Gate gate =
        Gates.create(
            GateSpec.cascade(new CascadeRule(List.of("mid", "strong"), 0.7, 500, 0.05)),
            EXPERTS,
            4,
            null);

    Selection selection = select(gate);

    assertThat(selection.chosen()).containsExactly(new Choice("mid", 1.0, 1.0));
    assertThat(selection.candidatePropensities())
        .containsEntry("mid", 1.0)
        .containsEntry("strong", 0.0)
        .containsEntry("cheap", 0.0);
    assertThat(((CascadeGate) gate).rule().order()).containsExactly("mid", "strong");
  }

  @Test
  void withoutAnOrderStartsWithTheCheapestAndClimbsByPrice() {
    CascadeGate gate =
        (CascadeGate)
            Gates.create(
                GateSpec.cascade(new CascadeRule(List.of(), 0.7, 500, 0)), EXPERTS, 4, null);

    assertThat(select(gate).chosen()).extracting(Choice::expert).containsExactly("cheap");
    assertThat(gate.rule().order()).containsExactly("cheap", "mid", "strong");
  }

  @Test
  void anOrderNamingAnUnknownExpertIsRefused() {
    assertThatThrownBy(
            () ->
                Gates.create(
                    GateSpec.cascade(new CascadeRule(List.of("cheap", "gpt-9"), 0.7, 500, 0)),
                    EXPERTS,
                    4,
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gpt-9");
  }

  @Test
  void exploresOnlyItsEscalationsNotItsFirstStage() {
    Gate gate =
        Gates.create(
            GateSpec.cascade(new CascadeRule(List.of("cheap", "strong"), 0.7, 500, 0.2))
                .withEpsilonGreedy(0.5),
            EXPERTS,
            4,
            null);

    assertThat(gate).isInstanceOf(CascadeGate.class);
    for (int i = 0; i < 50; i++) {
      assertThat(select(gate).chosen()).extracting(Choice::expert).containsExactly("cheap");
    }
  }
}
