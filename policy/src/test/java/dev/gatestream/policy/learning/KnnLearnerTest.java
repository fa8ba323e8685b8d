package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.WeightsSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KnnLearnerTest {

  private static LearnerSettings settings(int dimension, int capacity, int centroids) {
    return LearnerSettings.defaults(LearnerKind.KNN, dimension).withKnn(capacity, centroids);
  }

  private static void learn(
      PolicyLearner learner, String expert, double quality, double cost, float... x) {
    assertThat(learner.update(x, List.of(new ExpertFeedback(expert, quality, quality, 1, cost))))
        .isEqualTo(PolicyLearner.Update.LEARNED);
  }

  private static float[] gaussian(Random random, int dimension) {
    float[] x = new float[dimension];
    for (int j = 0; j < dimension; j++) {
      x[j] = (float) random.nextGaussian();
    }
    return x;
  }

  @Test
  void centroidsCountsAndShrunkMeansOfTwoDirections() {
    PolicyLearner learner = new PolicyLearner(settings(2, 100, 2), List.of("a", "b"));
    for (int i = 0; i < 3; i++) {
      learn(learner, "a", 1, 0.01, 2, 0); // scale does not matter, direction does
    }
    learn(learner, "b", 0, 0.02, 1, 0);
    learn(learner, "b", 1, 0.02, 0, 1);
    learn(learner, "b", 1, 0.02, 0, 3);

    Map<String, double[]> blocks = learner.parameters(1);

    double[] centroids = blocks.get(WeightsSnapshot.KNN_CENTROIDS);
    assertThat(centroids).hasSize(4);
    // Which direction comes first is the seeding's draw; lay the expectations out by it.
    int x = centroids[0] == 1 ? 0 : 1;
    int y = 1 - x;
    assertThat(centroids[2 * x]).isEqualTo(1);
    assertThat(centroids[2 * x + 1]).isEqualTo(0);
    assertThat(centroids[2 * y]).isEqualTo(0);
    assertThat(centroids[2 * y + 1]).isEqualTo(1);
    double[] counts = blocks.get(WeightsSnapshot.KNN_COUNTS);
    assertThat(new double[] {counts[2 * x], counts[2 * x + 1], counts[2 * y], counts[2 * y + 1]})
        .containsExactly(3, 1, 0, 2);
    // Overall means with the prior weighing one outcome: a (3 + prior) / 4, b (2 + prior) / 4; each
    // cell's
    // mean shrunk toward them by one outcome.
    double prior = settings(2, 100, 2).priorReward();
    double a = (3 + prior) / 4;
    double b = (2 + prior) / 4;
    double[] means = blocks.get(WeightsSnapshot.KNN_MEANS);
    assertThat(means[2 * x]).isCloseTo((3 + a) / 4, within(1e-9));
    assertThat(means[2 * x + 1]).isCloseTo(b / 2, within(1e-9));
    assertThat(means[2 * y]).isCloseTo(a, within(1e-9));
    assertThat(means[2 * y + 1]).isCloseTo((2 + b) / 3, within(1e-9));
    assertThat(blocks.get(WeightsSnapshot.OUTCOMES)).containsExactly(3, 3);
    assertThat(blocks.get(WeightsSnapshot.COST)[0]).isCloseTo(0.01, within(1e-9));
    assertThat(blocks.get(WeightsSnapshot.COST)[1]).isCloseTo(0.02, within(1e-9));
    assertThat(blocks).doesNotContainKeys(WeightsSnapshot.BIAS, WeightsSnapshot.WEIGHTS + "a");
  }

  @Test
  void keepsOnlyTheMostRecentExamples() {
    PolicyLearner learner = new PolicyLearner(settings(1, 10, 1), List.of("a"));
    for (int i = 0; i < 25; i++) {
      learn(learner, "a", i < 15 ? 0 : 1, 0, 1);
    }

    Map<String, double[]> blocks = learner.parameters(1);

    assertThat(blocks.get(WeightsSnapshot.KNN_COUNTS)).containsExactly(10);
    assertThat(blocks.get(WeightsSnapshot.OUTCOMES)).containsExactly(25);
    // The last ten were all good: (10 + prior) / 11 overall, and the one cell shrunk toward it.
    double overall = (10 + settings(1, 10, 1).priorReward()) / 11;
    assertThat(blocks.get(WeightsSnapshot.KNN_MEANS)[0])
        .isCloseTo((10 + overall) / 11, within(1e-9));
  }

  @Test
  void stateRoundTripsAndASmallerCapacityKeepsTheNewest() {
    Random random = new Random(3);
    PolicyLearner learner = new PolicyLearner(settings(5, 300, 16), List.of("a", "b"));
    for (int i = 0; i < 500; i++) {
      learn(
          learner,
          i % 2 == 0 ? "a" : "b",
          random.nextDouble(),
          0.001 * (i % 2),
          gaussian(random, 5));
    }
    learner.parameters(1); // the centroids the state carries now come from a Lloyd step

    PolicyLearner restored =
        PolicyLearner.fromBytes(settings(5, 300, 16), List.of("a", "b"), learner.toBytes())
            .orElseThrow();
    PolicyLearner smaller =
        PolicyLearner.fromBytes(settings(5, 100, 16), List.of("a", "b"), learner.toBytes())
            .orElseThrow();

    Map<String, double[]> before = learner.parameters(2);
    Map<String, double[]> after = restored.parameters(2);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((name, values) -> assertThat(after.get(name)).as(name).containsExactly(values));
    assertThat(Arrays.stream(smaller.parameters(2).get(WeightsSnapshot.KNN_COUNTS)).sum())
        .isEqualTo(100);
  }

  @Test
  void publishesAsManyCentroidsAsFitASnapshot() {
    List<String> experts = new ArrayList<>();
    for (int e = 0; e < 49; e++) {
      experts.add("e" + e);
    }
    PolicyLearner learner = new PolicyLearner(settings(384, 10_000, 256), experts);
    Random random = new Random(5);
    for (int i = 0; i < 1_000; i++) {
      learn(learner, experts.get(i % 49), random.nextDouble(), 0, gaussian(random, 384));
    }

    Map<String, double[]> blocks = learner.parameters(1);

    // (100,000 − 3·49) / (384 + 2·49) = 207 centroids.
    assertThat(blocks.get(WeightsSnapshot.KNN_CENTROIDS)).hasSize(207 * 384);
    assertThat(blocks.values().stream().mapToInt(values -> values.length).sum())
        .isLessThanOrEqualTo(PolicyLearner.MAX_PARAMETERS);
  }
}
