package dev.gatestream.policy.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.SuccessPredictorGate.Mode;
import dev.gatestream.policy.learning.BanditSimulation.Step;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy top-1 routers (no exploration of their own) over the published weights: cold start must
 * not collapse traffic, the loop must find the best expert per context, and follow it when it
 * degrades.
 */
class BanditLoopTest {

  private static final int PUBLISH_EVERY = 50;
  private static final int FIRST_SNAPSHOTS = 8 * PUBLISH_EVERY;
  private static final int DRIFT_AT = 6_000;
  private static final int REQUESTS = 9_000;

  static Stream<Arguments> learners() {
    return Stream.of(
        // The default: per-request optimism from the published variances, decaying epsilon on top.
        // It tells the never-best expert sooner, so its cold-start floor is lower (it still gets
        // one in 50).
        Arguments.of(
            LearnerKind.RIDGE,
            GateSpec.bandit(1, 0.1, 0).withEpsilonGreedy(0.05).withExplorationDecay(1000, 5),
            0.9,
            1_500,
            0.02),
        // The same pricing and exploration over the nearest centroids' outcomes. Its window forgets
        // a
        // context's runners-up, which are then tried again at their overall level: a lower
        // converged rate.
        Arguments.of(
            LearnerKind.KNN,
            GateSpec.knn(1, 8, 0.1, 0).withEpsilonGreedy(0.05).withExplorationDecay(1000, 5),
            0.85,
            1_500,
            0.02),
        Arguments.of(LearnerKind.LINEAR, GateSpec.softmaxTopK(1), 0.9, 1_000, 0.1),
        Arguments.of(
            LearnerKind.LOGISTIC,
            GateSpec.successPredictor(Mode.NET_UTILITY, 0.7, 0),
            0.9,
            2_000,
            0.1),
        // Ridge bandits publish their exploration per snapshot and per expert, not per request and
        // context
        // (see RidgeModel): they converge, but their drift response is measured rather than
        // bounded.
        Arguments.of(LearnerKind.LINUCB, GateSpec.softmaxTopK(1), 0.9, Integer.MAX_VALUE, 0.1),
        Arguments.of(LearnerKind.THOMPSON, GateSpec.softmaxTopK(1), 0.85, Integer.MAX_VALUE, 0.1));
  }

  // The knn learner forgets by its window: one of 2,000 examples turns over within the drift phase.
  private static LearnerSettings settings(LearnerKind kind) {
    LearnerSettings defaults = LearnerSettings.defaults(kind, BanditSimulation.CONTEXTS);
    return kind == LearnerKind.KNN
        ? defaults.withKnn(2_000, LearnerSettings.MAX_KNN_CENTROIDS)
        : defaults;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("learners")
  void coldStartSpreadsTrafficConvergesAndFollowsDrift(
      LearnerKind kind, GateSpec spec, double convergedRate, int driftBound, double minShare) {
    for (long seed = 1; seed <= 5; seed++) {
      List<Step> steps =
          new BanditSimulation(settings(kind), spec, PUBLISH_EVERY, seed).run(REQUESTS, DRIFT_AT);
      double[] shares = BanditSimulation.shares(steps, FIRST_SNAPSHOTS);
      int converged = BanditSimulation.convergedAt(steps, DRIFT_AT, 400, convergedRate);
      double bestBeforeDrift = BanditSimulation.bestRate(steps, DRIFT_AT - 1_000, DRIFT_AT);
      int moved = BanditSimulation.movedAwayAfter(steps, DRIFT_AT);
      double bestAfterDrift = BanditSimulation.bestRate(steps, REQUESTS - 1_000, REQUESTS);
      System.out.printf(
          "%s seed %d: first %d requests shares %s; converged at %d; best rate before drift %.3f;"
              + " moved %d requests after drift; best rate at end %.3f%n",
          kind,
          seed,
          FIRST_SNAPSHOTS,
          Arrays.toString(Arrays.stream(shares).map(s -> Math.round(s * 1000) / 1000.0).toArray()),
          converged,
          bestBeforeDrift,
          moved,
          bestAfterDrift);

      assertThat(Arrays.stream(shares).min().orElseThrow())
          .as("smallest share of the first snapshots")
          .isGreaterThanOrEqualTo(minShare);
      assertThat(Arrays.stream(shares).max().orElseThrow())
          .as("largest share of the first snapshots")
          .isLessThanOrEqualTo(0.5);
      assertThat(converged)
          .as("request from which windows go to the best expert")
          .isBetween(0, 3_000);
      assertThat(bestBeforeDrift).isGreaterThanOrEqualTo(convergedRate);
      if (driftBound != Integer.MAX_VALUE) {
        assertThat(moved)
            .as("requests until context 0 moved away from the degraded expert")
            .isBetween(0, driftBound);
        assertThat(bestAfterDrift).isGreaterThanOrEqualTo(0.85);
      }
    }
  }
}
