package dev.gatestream.policy.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.learning.Rewards;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggedDecisionTest {

  private static LoggedDecision decision(
      List<Choice> chosen,
      Map<String, Double> logging,
      Map<String, Double> quality,
      Map<String, Double> cost) {
    return new LoggedDecision("r1", null, null, null, null, chosen, logging, quality, cost);
  }

  @Test
  void theRewardIsQualityMinusLambdaTimesCostAndUnknownWithoutQuality() {
    LoggedDecision pair =
        decision(
            List.of(new Choice("a", 0.5, 0.9), new Choice("b", 0.5, 0.8)),
            null,
            Map.of("a", 0.75, "b", Double.NaN),
            Map.of("a", 0.125, "b", 0.5));

    assertThat(pair.rewardOf("a", new Rewards(2))).isEqualTo(0.5);
    assertThat(pair.rewardOf("b", new Rewards(2))).isNaN();
    assertThat(pair.qualityOf("c")).isNaN();
    assertThat(decision(List.of(new Choice("a", 1, 0.6)), null, Map.of("a", 1.0), null).costOf("a"))
        .isZero();
  }

  @Test
  void chosenExpertsJoinTheLoggingPropensities() {
    LoggedDecision decision =
        decision(List.of(new Choice("a", 1, 0.6)), Map.of("b", 0.4), Map.of(), null);
    assertThat(decision.loggingPropensities()).isEqualTo(Map.of("a", 0.6, "b", 0.4));
    assertThat(decision.loggingPropensity("c")).isZero();
  }

  @Test
  void rejectsInconsistentLogs() {
    assertThatThrownBy(() -> decision(List.of(), null, null, null))
        .hasMessage("logged decision r1 has no chosen expert");
    assertThatThrownBy(() -> decision(List.of(new Choice("a", 1, 0)), null, null, null))
        .hasMessage("logged decision r1: chosen expert a has propensity 0.0, expected (0, 1]");
    assertThatThrownBy(
            () -> decision(List.of(new Choice("a", 1, 0.6)), Map.of("a", 0.5), null, null))
        .hasMessage(
            "logged decision r1: chosen expert a has propensity 0.6 but the logging propensities say 0.5");
    assertThatThrownBy(
            () ->
                decision(
                    List.of(new Choice("a", 0.5, 0.6), new Choice("a", 0.5, 0.6)),
                    null,
                    null,
                    null))
        .hasMessage("logged decision r1 chose expert a twice");
    assertThatThrownBy(
            () -> decision(List.of(new Choice("a", 1, 0.6)), Map.of("b", 1.2), null, null))
        .hasMessage("logged decision r1: logging propensity of b is 1.2, expected a probability");
    assertThatThrownBy(
            () ->
                decision(
                    List.of(new Choice("a", 1, 0.6)),
                    null,
                    Map.of("a", 1.0),
                    Map.of("a", Double.NaN)))
        .hasMessage("logged decision r1: cost of a is NaN");
  }
}
