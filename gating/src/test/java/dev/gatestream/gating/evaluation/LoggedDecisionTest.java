package dev.gatestream.gating.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.gating.Choice;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggedDecisionTest {

  private static LoggedDecision decision(List<Choice> chosen, Map<String, Double> logging,
      Map<String, Double> rewards, Double requestReward) {
    return new LoggedDecision("r1", null, null, null, null, chosen, logging, rewards, requestReward);
  }

  @Test
  void theRequestRewardIsTheSoleChosenExpertsReward() {
    LoggedDecision sole = decision(List.of(new Choice("a", 1, 0.6)), Map.of("a", 0.6, "b", 0.4), Map.of(), 0.7);
    assertThat(sole.rewardOf("a")).isEqualTo(0.7);
    assertThat(sole.rewardOf("b")).isNaN();

    LoggedDecision pair = decision(List.of(new Choice("a", 0.5, 0.9), new Choice("b", 0.5, 0.8)), null,
        Map.of("a", 0.2, "b", Double.NaN), 0.7);
    assertThat(pair.rewardOf("a")).isEqualTo(0.2);
    assertThat(pair.rewardOf("b")).as("the fused reward is not b's").isNaN();
  }

  @Test
  void chosenExpertsJoinTheLoggingPropensities() {
    LoggedDecision decision = decision(List.of(new Choice("a", 1, 0.6)), Map.of("b", 0.4), Map.of(), null);
    assertThat(decision.loggingPropensities()).isEqualTo(Map.of("a", 0.6, "b", 0.4));
    assertThat(decision.loggingPropensity("c")).isZero();
  }

  @Test
  void rejectsInconsistentLogs() {
    assertThatThrownBy(() -> decision(List.of(), null, null, null))
        .hasMessage("logged decision r1 has no chosen expert");
    assertThatThrownBy(() -> decision(List.of(new Choice("a", 1, 0)), null, null, null))
        .hasMessage("logged decision r1: chosen expert a has propensity 0.0, expected (0, 1]");
    assertThatThrownBy(() -> decision(List.of(new Choice("a", 1, 0.6)), Map.of("a", 0.5), null, null))
        .hasMessage("logged decision r1: chosen expert a has propensity 0.6 but the logging propensities say 0.5");
    assertThatThrownBy(() -> decision(List.of(new Choice("a", 0.5, 0.6), new Choice("a", 0.5, 0.6)), null, null,
        null))
        .hasMessage("logged decision r1 chose expert a twice");
    assertThatThrownBy(() -> decision(List.of(new Choice("a", 1, 0.6)), Map.of("b", 1.2), null, null))
        .hasMessage("logged decision r1: logging propensity of b is 1.2, expected a probability");
  }
}
