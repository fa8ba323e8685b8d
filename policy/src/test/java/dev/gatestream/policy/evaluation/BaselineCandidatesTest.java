package dev.gatestream.policy.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.policy.Gate;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** always:X and uniform against their exact values on simulated logs of an exploring policy. */
class BaselineCandidatesTest {

  private static final BanditSimulator SIMULATOR = new BanditSimulator(40, 11);
  private static final Gate LOGGING =
      Gates.create(
          GateSpec.softmaxTopK(1).withTemperatureSampling(1),
          BanditSimulator.EXPERTS,
          BanditSimulator.DIMENSION,
          BanditSimulator.misaligned());

  @Test
  void alwaysSelectsItsExpertWithCertainty() {
    LoggedDecision decision = SIMULATOR.log(LOGGING, 1, 1, false).get(0);

    assertThat(CandidatePolicy.always("e2").propensities(decision)).isEqualTo(Map.of("e2", 1.0));
  }

  @Test
  void uniformSpreadsOneSelectionOverTheLoggedCandidates() {
    LoggedDecision decision = SIMULATOR.log(LOGGING, 1, 1, false).get(0);

    assertThat(CandidatePolicy.uniform().propensities(decision))
        .isEqualTo(Map.of("e0", 0.25, "e1", 0.25, "e2", 0.25, "e3", 0.25));
  }

  @Test
  void estimatesOfTheBaselinesCoverTheirTrueValues() {
    List<LoggedDecision> logs = SIMULATOR.log(LOGGING, 4000, 5, false);
    OffPolicyEvaluator evaluator = new OffPolicyEvaluator(EvaluationSettings.defaults());
    double uniformTruth = 0;
    for (int a = 0; a < BanditSimulator.NAMES.size(); a++) {
      String expert = BanditSimulator.NAMES.get(a);
      double truth = meanOverContexts(a);
      uniformTruth += truth / BanditSimulator.NAMES.size();
      Evaluation always = evaluator.evaluate(logs, CandidatePolicy.always(expert));
      assertThat(truth)
          .as("always %s: %s", expert, always.doublyRobust())
          .isBetween(always.doublyRobust().lower(), always.doublyRobust().upper());
      assertThat(always.selfNormalizedIps().value()).isCloseTo(truth, within(0.05));
    }
    Evaluation uniform = evaluator.evaluate(logs, CandidatePolicy.uniform());
    assertThat(uniformTruth)
        .isBetween(uniform.doublyRobust().lower(), uniform.doublyRobust().upper());
    assertThat(uniform.unsupportedShare()).isZero();
  }

  private static double meanOverContexts(int expert) {
    double sum = 0;
    for (double[] mu : SIMULATOR.mu) {
      sum += mu[expert];
    }
    return sum / SIMULATOR.mu.length;
  }
}
