package dev.gatestream.policy.evaluation;

import static dev.gatestream.policy.evaluation.BanditSimulator.DIMENSION;
import static dev.gatestream.policy.evaluation.BanditSimulator.EXPERTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Estimates on simulated logs against the candidate's exact value. A single log's 95% interval
 * misses the truth one time in twenty, so the fixed-seed tests check that these logs' intervals
 * cover it and {@link #intervalsCoverAtTheirLevel} checks the rate over 200 logs.
 */
class OffPolicyEvaluatorTest {

  private static final BanditSimulator SIMULATOR = new BanditSimulator(40, 7);

  /**
   * Softmax sampling that favors the worst expert: the logs see everything, mostly the wrong thing.
   */
  private static final Gate LOGGING_TOP1 =
      gate(GateSpec.softmaxTopK(1).withTemperatureSampling(1), BanditSimulator.misaligned());

  private static final Gate LOGGING_TOP2 =
      gate(GateSpec.softmaxTopK(2).withTemperatureSampling(1), BanditSimulator.misaligned());
  private static final Gate CANDIDATE_TOP1 =
      gate(GateSpec.softmaxTopK(1).withEpsilonGreedy(0.1), BanditSimulator.aligned(1));

  /** Picks 1 to 3 experts, so its total and mean reward differ by more than a constant. */
  private static final Gate CANDIDATE_TOP_P =
      gate(GateSpec.topP(0.6, 3).withEpsilonGreedy(0.2), BanditSimulator.aligned(1));

  private static Gate gate(GateSpec spec, WeightsSnapshot weights) {
    return Gates.create(spec, EXPERTS, DIMENSION, weights);
  }

  private static Evaluation evaluate(
      List<LoggedDecision> logs, Gate candidate, EvaluationSettings settings) {
    return new OffPolicyEvaluator(settings).evaluate(logs, CandidatePolicy.of(candidate));
  }

  private static void assertCloseAndCovered(Evaluation evaluation, double truth, double tolerance) {
    for (Estimate estimate :
        List.of(evaluation.ips(), evaluation.selfNormalizedIps(), evaluation.doublyRobust())) {
      assertThat(estimate.value()).as("%s", estimate).isCloseTo(truth, within(tolerance));
      assertThat(truth).as("%s", estimate).isBetween(estimate.lower(), estimate.upper());
    }
    // The logging policy is far worse, so an estimator that forgot to reweight would fail above.
    assertThat(Math.abs(evaluation.loggingPolicy().value() - truth)).isGreaterThan(3 * tolerance);
  }

  @Test
  void top1EstimatesCoverTheCandidatesTrueValue() {
    List<LoggedDecision> logs = SIMULATOR.log(LOGGING_TOP1, 20_000, 3, false);
    double truth = SIMULATOR.trueValue(CANDIDATE_TOP1, Estimand.TOTAL_REWARD);

    Evaluation evaluation = evaluate(logs, CANDIDATE_TOP1, EvaluationSettings.defaults());

    assertThat(evaluation.used()).isEqualTo(20_000);
    assertCloseAndCovered(evaluation, truth, 0.03);
    assertThat(evaluation.warnings()).isEmpty();
    // Top-1 candidate: the mean reward per selected expert is its total reward.
    Evaluation mean =
        evaluate(
            logs, CANDIDATE_TOP1, EvaluationSettings.defaults().withEstimand(Estimand.MEAN_REWARD));
    assertThat(mean.ips().value()).isCloseTo(evaluation.ips().value(), within(1e-12));
  }

  @Test
  void slateEstimatesCoverTheCandidatesTrueTotalAndMeanReward() {
    List<LoggedDecision> logs = SIMULATOR.log(LOGGING_TOP2, 20_000, 5, false);

    Evaluation total = evaluate(logs, CANDIDATE_TOP_P, EvaluationSettings.defaults());
    Evaluation mean =
        evaluate(
            logs,
            CANDIDATE_TOP_P,
            EvaluationSettings.defaults().withEstimand(Estimand.MEAN_REWARD));

    assertCloseAndCovered(total, SIMULATOR.trueValue(CANDIDATE_TOP_P, Estimand.TOTAL_REWARD), 0.03);
    assertCloseAndCovered(mean, SIMULATOR.trueValue(CANDIDATE_TOP_P, Estimand.MEAN_REWARD), 0.02);
  }

  @Test
  void intervalsCoverAtTheirLevel() {
    double truth = SIMULATOR.trueValue(CANDIDATE_TOP_P, Estimand.TOTAL_REWARD);
    int logs = 200;
    int[] covered = new int[3];
    for (int seed = 0; seed < logs; seed++) {
      Evaluation evaluation =
          evaluate(
              SIMULATOR.log(LOGGING_TOP2, 2_000, 100 + seed, false),
              CANDIDATE_TOP_P,
              EvaluationSettings.defaults().withBootstrap(300, 0.95, seed));
      List<Estimate> estimates =
          List.of(evaluation.ips(), evaluation.selfNormalizedIps(), evaluation.doublyRobust());
      for (int e = 0; e < 3; e++) {
        if (estimates.get(e).lower() <= truth && truth <= estimates.get(e).upper()) {
          covered[e]++;
        }
      }
    }
    // At a true 95%, 180 or fewer of 200 happens with probability below 0.3%.
    assertThat(covered[0]).as("IPS").isGreaterThan(180);
    assertThat(covered[1]).as("SNIPS").isGreaterThan(180);
    assertThat(covered[2]).as("DR").isGreaterThan(180);
  }

  @Test
  void doublyRobustHasLowerVarianceThanIps() {
    Evaluation evaluation =
        evaluate(
            SIMULATOR.log(LOGGING_TOP1, 20_000, 3, false),
            CANDIDATE_TOP1,
            EvaluationSettings.defaults());
    assertThat(evaluation.doublyRobust().standardError())
        .isLessThan(0.7 * evaluation.ips().standardError());
    assertThat(evaluation.doublyRobust().width()).isLessThan(0.7 * evaluation.ips().width());

    // And over independent logs, not only by the bootstrap's account.
    double truth = SIMULATOR.trueValue(CANDIDATE_TOP1, Estimand.TOTAL_REWARD);
    double ipsSquares = 0;
    double drSquares = 0;
    for (int seed = 0; seed < 60; seed++) {
      Evaluation run =
          evaluate(
              SIMULATOR.log(LOGGING_TOP1, 2_000, 1_000 + seed, false),
              CANDIDATE_TOP1,
              EvaluationSettings.defaults().withBootstrap(2, 0.95, seed));
      ipsSquares += Math.pow(run.ips().value() - truth, 2);
      drSquares += Math.pow(run.doublyRobust().value() - truth, 2);
    }
    assertThat(drSquares).isLessThan(0.5 * ipsSquares);
  }

  @Test
  void refusesACandidateThatPicksExpertsTheLoggingPolicyNeverCould() {
    // The logging gate knows e0..e2 only: e3 is absent from its propensities.
    Gate logging =
        Gates.create(
            GateSpec.softmaxTopK(1).withTemperatureSampling(1),
            EXPERTS.subList(0, 3),
            DIMENSION,
            BanditSimulator.misaligned());
    List<LoggedDecision> logs = SIMULATOR.log(logging, 2_000, 9, false);
    Gate candidate = gate(GateSpec.softmaxTopK(1), BanditSimulator.aligned(1));
    long picksE3 =
        logs.stream()
            .filter(d -> CandidatePolicy.of(candidate).propensities(d).get("e3") == 1.0)
            .count();
    assertThat(picksE3).isBetween(100L, 1_900L);

    assertThatThrownBy(() -> evaluate(logs, candidate, EvaluationSettings.defaults()))
        .isInstanceOf(UnsupportedCandidateException.class)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            String.format(
                Locale.ROOT,
                "candidate selects expert e3 with probability up to 1 on %,d of 2,000 logged requests where the"
                    + " logging policy's propensity was 0 (",
                picksE3))
        .hasMessageEndingWith(": the logs cannot support this candidate")
        .hasMessageNotContaining("\n");
  }

  @Test
  void toleratesNegligibleUnsupportedMassAndSaysSo() {
    Gate logging =
        Gates.create(
            GateSpec.softmaxTopK(1).withTemperatureSampling(1),
            EXPERTS.subList(0, 3),
            DIMENSION,
            BanditSimulator.misaligned());
    List<LoggedDecision> logs = SIMULATOR.log(logging, 2_000, 9, false);
    Gate supported =
        Gates.create(
            GateSpec.softmaxTopK(1).withEpsilonGreedy(0.1),
            EXPERTS.subList(0, 3),
            DIMENSION,
            BanditSimulator.aligned(1));
    CandidatePolicy leaky =
        decision -> {
          Map<String, Double> p = new HashMap<>();
          CandidatePolicy.of(supported)
              .propensities(decision)
              .forEach((expert, q) -> p.put(expert, 0.9995 * q));
          p.put("e3", 0.0005);
          return p;
        };

    Evaluation evaluation =
        new OffPolicyEvaluator(EvaluationSettings.defaults()).evaluate(logs, leaky);

    assertThat(evaluation.unsupportedShare()).isCloseTo(0.0005, within(1e-12));
    assertThat(evaluation.warnings())
        .anySatisfy(warning -> assertThat(warning).startsWith("left out 0.05% of"));
    assertThatThrownBy(
            () ->
                new OffPolicyEvaluator(EvaluationSettings.defaults().withSupportTolerance(0))
                    .evaluate(logs, leaky))
        .isInstanceOf(UnsupportedCandidateException.class)
        .hasMessageContaining(
            "expert e3 with probability up to 0.0005 on 2,000 of 2,000 logged requests");
  }

  @Test
  void theLoggingPolicyAsCandidateHasWeightOneAndFullEffectiveSampleSize() {
    for (Gate logging : List.of(LOGGING_TOP1, LOGGING_TOP2)) {
      List<LoggedDecision> logs = SIMULATOR.log(logging, 5_000, 13, false);

      Evaluation evaluation = evaluate(logs, logging, EvaluationSettings.defaults());

      assertThat(evaluation.effectiveSampleSize()).isCloseTo(5_000, within(1e-6));
      assertThat(evaluation.maxWeight()).isCloseTo(1, within(1e-12));
      assertThat(evaluation.ips().value())
          .isCloseTo(evaluation.loggingPolicy().value(), within(1e-12));
      assertThat(evaluation.selfNormalizedIps().value())
          .isCloseTo(evaluation.ips().value(), within(1e-9));
      assertThat(evaluation.warnings()).isEmpty();
    }
  }

  @Test
  void warnsWhenAFewHugeWeightsDominate() {
    // ε = 1% over 4 experts: the greedy pick's rivals have propensity 0.0025, weight 400.
    Gate logging =
        gate(GateSpec.softmaxTopK(1).withEpsilonGreedy(0.01), BanditSimulator.misaligned());
    Gate candidate = gate(GateSpec.softmaxTopK(1), BanditSimulator.aligned(1));

    Evaluation evaluation =
        evaluate(
            SIMULATOR.log(logging, 2_000, 17, false), candidate, EvaluationSettings.defaults());

    assertThat(evaluation.maxWeight()).isCloseTo(400, within(1e-9));
    assertThat(evaluation.effectiveSampleSize()).isLessThan(100);
    assertThat(evaluation.warnings())
        .anySatisfy(warning -> assertThat(warning).startsWith("importance weights reach 400:"))
        .anySatisfy(
            warning ->
                assertThat(warning).startsWith("the importance weights' effective sample size is"));
  }

  @Test
  void estimatorsFollowTheirFormulas() {
    // Top-2 of three experts; the candidate's marginals also sum to 2.
    Map<String, Double> logging = Map.of("e0", 0.8, "e1", 0.7, "e2", 0.5);
    List<LoggedDecision> logs =
        List.of(
            decision(logging, Map.of("e0", 1.0, "e1", 0.0)),
            decision(logging, Map.of("e1", 1.0, "e2", 1.0)));
    CandidatePolicy candidate = decision -> Map.of("e0", 1.0, "e1", 0.2, "e2", 0.8);
    RewardModel half = (training, measure) -> (decision, expert) -> 0.5;
    EvaluationSettings settings =
        EvaluationSettings.defaults().withRewardModel(half).withWarnings(100, 0);

    Evaluation total = new OffPolicyEvaluator(settings).evaluate(logs, candidate);
    Evaluation mean =
        new OffPolicyEvaluator(settings.withEstimand(Estimand.MEAN_REWARD))
            .evaluate(logs, candidate);

    double w0 = 1 / 0.8;
    double w1 = 0.2 / 0.7;
    double w2 = 0.8 / 0.5;
    double ips = (w0 * 1 + w1 * 0 + w1 * 1 + w2 * 1) / 2;
    assertThat(total.ips().value()).isCloseTo(ips, within(1e-12));
    assertThat(total.selfNormalizedIps().value())
        .isCloseTo((w0 + w1 + w2) / (w0 + w1 + w1 + w2) * (2 + 2) / 2, within(1e-12));
    double direct = 2 * 0.5;
    assertThat(total.doublyRobust().value())
        .isCloseTo(
            (direct + w0 * 0.5 + w1 * -0.5 + direct + w1 * 0.5 + w2 * 0.5) / 2, within(1e-12));
    assertThat(total.loggingPolicy().value()).isCloseTo((1 + 2) / 2.0, within(1e-12));
    assertThat(mean.ips().value()).isCloseTo(ips / 2, within(1e-12));
    assertThat(mean.loggingPolicy().value()).isCloseTo((1 + 2) / 2.0 / 2, within(1e-12));
    double first = (w0 + w1) / 2;
    double second = (w1 + w2) / 2;
    assertThat(total.effectiveSampleSize())
        .isCloseTo(Math.pow(first + second, 2) / (first * first + second * second), within(1e-12));
    assertThat(total.maxWeight()).isCloseTo(w2, within(1e-12));
  }

  @Test
  void estimatesTheRewardAndItsPartsQualityAndCost() {
    List<LoggedDecision> logs = new ArrayList<>();
    for (LoggedDecision d : SIMULATOR.log(LOGGING_TOP2, 2_000, 29, false)) {
      Map<String, Double> cost = new HashMap<>();
      d.chosen()
          .forEach(
              choice ->
                  cost.put(
                      choice.expert(),
                      0.01 * (1 + BanditSimulator.NAMES.indexOf(choice.expert()))));
      logs.add(
          new LoggedDecision(
              d.requestId(),
              d.task(),
              d.text(),
              d.features(),
              d.costBudget(),
              d.chosen(),
              d.loggingPropensities(),
              d.quality(),
              cost));
    }
    EvaluationSettings settings =
        EvaluationSettings.defaults().withBootstrap(200, 0.95, 3).withLambda(5);

    Evaluation priced = evaluate(logs, CANDIDATE_TOP1, settings);
    Evaluation free = evaluate(logs, CANDIDATE_TOP1, settings.withLambda(0));

    assertThat(priced.lambda()).isEqualTo(5);
    assertThat(priced.quality()).isEqualTo(free.quality());
    assertThat(free.doublyRobust()).isEqualTo(free.quality().doublyRobust());
    List<Estimate> reward =
        List.of(
            priced.ips(),
            priced.selfNormalizedIps(),
            priced.doublyRobust(),
            priced.loggingPolicy());
    Evaluation.Estimates quality = priced.quality();
    Evaluation.Estimates cost = priced.cost();
    List<Estimate> qualities =
        List.of(
            quality.ips(),
            quality.selfNormalizedIps(),
            quality.doublyRobust(),
            quality.loggingPolicy());
    List<Estimate> costs =
        List.of(cost.ips(), cost.selfNormalizedIps(), cost.doublyRobust(), cost.loggingPolicy());
    for (int e = 0; e < reward.size(); e++) {
      assertThat(reward.get(e).value())
          .isCloseTo(qualities.get(e).value() - 5 * costs.get(e).value(), within(1e-9));
      assertThat(costs.get(e).value()).isBetween(0.01, 0.04 * 2);
    }
  }

  private static LoggedDecision decision(Map<String, Double> logging, Map<String, Double> rewards) {
    List<Choice> chosen = new ArrayList<>();
    rewards.keySet().stream()
        .sorted()
        .forEach(expert -> chosen.add(new Choice(expert, 0.5, logging.get(expert))));
    return new LoggedDecision(null, null, null, null, null, chosen, logging, rewards, null);
  }

  @Test
  void usesOnlyTheRewardsTheLoggedChoicesRevealed() {
    List<LoggedDecision> revealed = SIMULATOR.log(LOGGING_TOP1, 1_000, 21, false);
    List<LoggedDecision> everything = SIMULATOR.log(LOGGING_TOP1, 1_000, 21, true);
    assertThat(everything.get(0).quality()).hasSize(4);
    EvaluationSettings settings = EvaluationSettings.defaults().withBootstrap(200, 0.95, 1);

    assertThat(evaluate(everything, CANDIDATE_TOP1, settings))
        .isEqualTo(evaluate(revealed, CANDIDATE_TOP1, settings));

    List<LoggedDecision> partial = new ArrayList<>(revealed);
    for (int i = 0; i < 10; i++) {
      LoggedDecision d = partial.get(i);
      partial.set(
          i,
          new LoggedDecision(
              d.requestId(),
              d.task(),
              d.text(),
              d.features(),
              d.costBudget(),
              d.chosen(),
              d.loggingPropensities(),
              Map.of(),
              null));
    }
    Evaluation skipping = evaluate(partial, CANDIDATE_TOP1, settings);
    assertThat(skipping.decisions()).isEqualTo(1_000);
    assertThat(skipping.used()).isEqualTo(990);
    assertThat(skipping.warnings())
        .containsExactly(
            "skipped 10 of 1,000 logged decisions that lack the reward of a chosen expert");
  }

  @Test
  void theSeedMakesAnEvaluationReproducible() {
    List<LoggedDecision> logs = SIMULATOR.log(LOGGING_TOP1, 1_000, 23, false);
    EvaluationSettings settings = EvaluationSettings.defaults().withBootstrap(200, 0.9, 42);

    Evaluation first = evaluate(logs, CANDIDATE_TOP1, settings);

    assertThat(evaluate(logs, CANDIDATE_TOP1, settings)).isEqualTo(first);
    Evaluation reseeded = evaluate(logs, CANDIDATE_TOP1, settings.withBootstrap(200, 0.9, 43));
    assertThat(reseeded.ips().value()).isEqualTo(first.ips().value());
    assertThat(reseeded.ips().lower()).isNotEqualTo(first.ips().lower());
  }

  @Test
  void rejectsPropensitiesThatAreNotProbabilities() {
    List<LoggedDecision> logs = SIMULATOR.log(LOGGING_TOP1, 10, 1, false);
    assertThatThrownBy(
            () ->
                new OffPolicyEvaluator(EvaluationSettings.defaults())
                    .evaluate(logs, decision -> Map.of("e0", 1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the candidate gives expert e0 probability 1.5 for request r0, expected a value in [0, 1]");
    assertThatThrownBy(
            () ->
                new OffPolicyEvaluator(
                        EvaluationSettings.defaults().withEstimand(Estimand.MEAN_REWARD))
                    .evaluate(logs, decision -> Map.of()))
        .hasMessageStartingWith("the candidate selects no expert for request r0");
  }

  @Test
  void candidateOfAGateReportsItsPropensities() {
    LoggedDecision decision = SIMULATOR.log(LOGGING_TOP1, 1, 2, false).get(0);
    Map<String, Double> p = CandidatePolicy.of(CANDIDATE_TOP1).propensities(decision);
    assertThat(p.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1, within(1e-12));
    assertThat(p.values()).containsOnly(0.025, 0.925);
    assertThat(p)
        .isEqualTo(
            CANDIDATE_TOP1
                .select(decision.toRoutingInput(), decision.features(), new SplittableRandom(99))
                .candidatePropensities());
  }
}
