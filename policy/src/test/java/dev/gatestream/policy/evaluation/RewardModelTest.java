package dev.gatestream.policy.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.Choice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RewardModelTest {

  private static LoggedDecision decision(
      String task, float[] features, String expert, double reward) {
    return new LoggedDecision(
        null,
        task,
        null,
        features,
        null,
        List.of(new Choice(expert, 1, 0.5)),
        Map.of(expert, 0.5),
        Map.of(expert, reward),
        null);
  }

  @Test
  void ridgeRecoversALinearRewardPerExpert() {
    SplittableRandom random = new SplittableRandom(1);
    List<LoggedDecision> training = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      float[] x = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1)};
      training.add(decision(null, x, "a", 0.7 + 0.2 * x[0] - 0.1 * x[1]));
      training.add(decision(null, x, "b", 0.1 - 0.3 * x[1]));
    }

    RewardModel.Fitted model = RewardModel.ridge(1e-3).fit(training, LoggedDecision::qualityOf);

    LoggedDecision probe = decision(null, new float[] {0.5f, -0.5f}, "a", 0);
    assertThat(model.predict(probe, "a")).isCloseTo(0.7 + 0.1 + 0.05, within(1e-4));
    assertThat(model.predict(probe, "b")).isCloseTo(0.1 + 0.15, within(1e-4));
    // An expert never seen gets the overall mean.
    assertThat(model.predict(probe, "c"))
        .isCloseTo(
            training.stream()
                .mapToDouble(d -> d.qualityOf(d.chosen().get(0).expert()))
                .average()
                .orElseThrow(),
            within(1e-12));
  }

  @Test
  void ridgeFallsBackToTaskMeansWithoutFeatures() {
    List<LoggedDecision> training =
        List.of(
            decision("math", null, "a", 1),
            decision("math", null, "a", 0),
            decision("chat", new float[] {1}, "a", 1));

    RewardModel.Fitted model = RewardModel.ridge(1).fit(training, LoggedDecision::qualityOf);

    assertThat(model.predict(decision("math", new float[] {1}, "a", 0), "a")).isEqualTo(0.5);
    assertThat(model.predict(decision("chat", null, "a", 0), "a")).isEqualTo(1.0);
  }

  @Test
  void taskMeansBackOffToTheExpertThenOverall() {
    List<LoggedDecision> training =
        List.of(
            decision("math", null, "a", 1),
            decision("chat", null, "a", 0),
            decision("chat", null, "a", 0),
            decision(null, null, "b", 0.4));

    RewardModel.Fitted model = RewardModel.taskMeans().fit(training, LoggedDecision::qualityOf);

    assertThat(model.predict(decision("math", null, "a", 0), "a")).isEqualTo(1.0);
    assertThat(model.predict(decision("code", null, "a", 0), "a"))
        .isCloseTo(1 / 3.0, within(1e-12));
    assertThat(model.predict(decision(null, null, "a", 0), "b")).isEqualTo(0.4);
    assertThat(model.predict(decision("math", null, "a", 0), "c"))
        .isCloseTo(1.4 / 4, within(1e-12));
    assertThat(
            RewardModel.taskMeans()
                .fit(List.of(), LoggedDecision::qualityOf)
                .predict(decision(null, null, "a", 0), "a"))
        .isZero();
  }

  @Test
  void ridgeNeedsAPositivePenalty() {
    assertThatThrownBy(() -> RewardModel.ridge(0))
        .hasMessage("ridge lambda must be finite and > 0, got 0.0");
  }
}
