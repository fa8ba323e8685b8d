package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.Gate;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The routing policy under evaluation, as the probability it would select each expert for a
 * request.
 */
@FunctionalInterface
public interface CandidatePolicy {

  /**
   * @return the probability in [0, 1] of selecting each expert for this request (marginal, so they
   *     sum to the expected number selected); experts absent are never selected
   */
  Map<String, Double> propensities(LoggedDecision decision);

  /**
   * The policy of a gate deciding on the logged features. A gate's propensities do not depend on
   * its random draw, so a fixed seed is as good as any.
   */
  static CandidatePolicy of(Gate gate) {
    float[] none = new float[0];
    return decision ->
        gate.select(
                decision.toRoutingInput(),
                decision.features() == null ? none : decision.features(),
                new SplittableRandom(0))
            .candidatePropensities();
  }

  /** Always selects this one expert, whatever the request. */
  static CandidatePolicy always(String expert) {
    Map<String, Double> only = Map.of(expert, 1.0);
    return decision -> only;
  }

  /**
   * Selects one expert uniformly at random among the logged request's candidates (the experts its
   * logging propensities name, chosen or not).
   */
  static CandidatePolicy uniform() {
    return decision -> {
      Map<String, Double> propensities = new HashMap<>();
      double each = 1.0 / decision.loggingPropensities().size();
      decision.loggingPropensities().keySet().forEach(expert -> propensities.put(expert, each));
      return propensities;
    };
  }
}
