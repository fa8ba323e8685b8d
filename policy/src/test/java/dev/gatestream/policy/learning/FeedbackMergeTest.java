package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FeedbackMergeTest {

  private static FeedbackEvent feedback(
      double reward, String label, long at, Object... expertRewards) {
    String[] experts = new String[expertRewards.length / 2];
    double[] values = new double[experts.length];
    for (int i = 0; i < experts.length; i++) {
      experts[i] = (String) expertRewards[2 * i];
      values[i] = (Double) expertRewards[2 * i + 1];
    }
    return new FeedbackEvent("r1", reward, label, experts, values, at);
  }

  @Test
  void aTieInObservationTimeGoesToTheRecordGivenLast() {
    FeedbackEvent one = feedback(0.1, "x", 10);
    FeedbackEvent two = feedback(0.9, "y", 10);

    assertThat(FeedbackMerge.merge(List.of(one, two)).reward()).isEqualTo(0.9);
    assertThat(FeedbackMerge.merge(List.of(two, one)).label()).isEqualTo("x");
  }

  @Test
  void laterRecordsOverrideEarlierPerExpertAndTheLatestRequestRewardAndLabelWin() {
    FeedbackEvent first = feedback(0.2, "Paris", 20, "a", 0.0, "b", 0.0);
    FeedbackEvent second = feedback(Double.NaN, null, 30, "b", 1.0);
    FeedbackEvent older =
        feedback(0.9, "Lyon", 5, "b", 0.5, "c", 0.3); // observed first, merged last

    FeedbackEvent merged = FeedbackMerge.merge(List.of(first, second, older));

    assertThat(merged.rewardOf("a")).isEqualTo(0.0);
    assertThat(merged.rewardOf("b")).isEqualTo(1.0);
    assertThat(merged.rewardOf("c")).isEqualTo(0.3);
    assertThat(merged.reward()).isEqualTo(0.2);
    assertThat(merged.label()).isEqualTo("Paris");
    assertThat(merged.observedAtMs()).isEqualTo(30);
  }

  @Test
  void theOrderOfMergingDoesNotMatter() {
    FeedbackEvent a = feedback(0.2, null, 20, "a", 0.1);
    FeedbackEvent b = feedback(Double.NaN, "yes", 30, "a", 0.7, "b", 0.4);
    FeedbackEvent c = feedback(0.6, null, 10, "b", 0.9);

    for (FeedbackEvent merged :
        new FeedbackEvent[] {
          FeedbackMerge.merge(List.of(a, b, c)),
          FeedbackMerge.merge(List.of(c, b, a)),
          FeedbackMerge.merge(List.of(b, a, c))
        }) {
      assertThat(merged.rewardOf("a")).isEqualTo(0.7);
      assertThat(merged.rewardOf("b")).isEqualTo(0.4);
      assertThat(merged.reward()).isEqualTo(0.2);
      assertThat(merged.label()).isEqualTo("yes");
    }
  }

  @Test
  void aNonFiniteRewardNeverReplacesAFiniteOneButIsKeptWhereNothingElseWasSaid() {
    FeedbackEvent good = feedback(0.4, null, 10, "a", 0.8);
    FeedbackEvent broken =
        feedback(
            Double.POSITIVE_INFINITY, null, 20, "a", Double.NaN, "b", Double.NEGATIVE_INFINITY);
    FeedbackEvent fixed = feedback(Double.NaN, null, 30, "b", 0.1);

    FeedbackEvent merged = FeedbackMerge.merge(List.of(broken, good));
    FeedbackEvent brokenOnly = FeedbackMerge.merge(List.of(broken));
    FeedbackEvent repaired = FeedbackMerge.merge(List.of(fixed, broken, good));

    assertThat(merged.rewardOf("a")).isEqualTo(0.8);
    assertThat(merged.reward()).isEqualTo(0.4);
    assertThat(merged.rewardOf("b")).isInfinite();
    assertThat(brokenOnly.reward()).isInfinite();
    assertThat(brokenOnly.rewardOf("a")).isNaN();
    assertThat(repaired.rewardOf("b")).isEqualTo(0.1);
  }
}
