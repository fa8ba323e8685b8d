package dev.gatestream.policy.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlackettLuceTest {

  private static final double[] P = {0.4, 0.25, 0.15, 0.1, 0.07, 0.03};

  @Test
  void inclusionProbabilitiesMatchEnumeratingEveryOrderedDraw() {
    for (int k = 1; k <= P.length; k++) {
      double[] expected = new double[P.length];
      enumerate(new boolean[P.length], k, 1.0, expected);
      assertThat(PlackettLuce.inclusionProbabilities(P, k))
          .containsExactly(expected, within(1e-12));
    }
  }

  /** Adds the probability of every ordered draw of k items to the inclusion of each item in it. */
  private static void enumerate(boolean[] drawn, int left, double probability, double[] inclusion) {
    if (left == 0) {
      for (int i = 0; i < drawn.length; i++) {
        if (drawn[i]) {
          inclusion[i] += probability;
        }
      }
      return;
    }
    double remaining = 0;
    for (int i = 0; i < P.length; i++) {
      remaining += drawn[i] ? 0 : P[i];
    }
    for (int i = 0; i < P.length; i++) {
      if (!drawn[i]) {
        drawn[i] = true;
        enumerate(drawn, left - 1, probability * P[i] / remaining, inclusion);
        drawn[i] = false;
      }
    }
  }

  @Test
  void inclusionProbabilitiesSumToKForSixteenItems() {
    double[] p = new double[16];
    for (int i = 0; i < p.length; i++) {
      p[i] = (i + 1) / 136.0;
    }
    for (int k : new int[] {2, 5, 8, 15}) {
      assertThat(Arrays.stream(PlackettLuce.inclusionProbabilities(p, k)).sum())
          .isCloseTo(k, within(1e-9));
    }
  }

  @Test
  void samplingFollowsTheInclusionProbabilities() {
    SplittableRandom random = new SplittableRandom(42);
    int draws = 100_000;
    int[] counts = new int[P.length];
    for (int draw = 0; draw < draws; draw++) {
      for (int item : PlackettLuce.sample(P, 3, random)) {
        counts[item]++;
      }
    }
    double[] inclusion = PlackettLuce.inclusionProbabilities(P, 3);
    for (int i = 0; i < P.length; i++) {
      assertThat((double) counts[i] / draws)
          .isCloseTo(inclusion[i], within(tolerance(inclusion[i], draws)));
    }
  }

  /**
   * Five standard errors of a frequency: a correct implementation fails about once in 1.7 million.
   */
  static double tolerance(double probability, int draws) {
    return 5 * Math.sqrt(probability * (1 - probability) / draws) + 1e-9;
  }

  @Test
  void boundsTheWork() {
    assertThat(PlackettLuce.isTractable(16, 8)).isTrue();
    assertThat(PlackettLuce.isTractable(32, 4)).isTrue();
    assertThat(PlackettLuce.isTractable(32, 5)).isFalse();
    assertThat(PlackettLuce.isTractable(62, 3)).isTrue();
    assertThat(PlackettLuce.isTractable(100, 1)).isTrue();
  }
}
