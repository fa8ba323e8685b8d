package dev.gatestream.policy.gates;

import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import java.util.random.RandomGenerator;

/**
 * Softmax-temperature exploration over a deterministic gate: as many routed experts as the gate
 * would choose are drawn without replacement from softmax(s/T) over the routable ones (always-on
 * experts stay); s is what the gate maximizes (a cost-aware gate's net utility). T → 0 approaches
 * the gate's own top choices, large T uniform choice. The reported propensities are the exact
 * inclusion probabilities of that draw (see {@link PlackettLuce} for the cost bound, checked when
 * the gate is built).
 *
 * <p>Tempered scores are floored 700 below the highest so every routable expert keeps a positive
 * probability: exp underflow must not make one unreachable.
 */
public final class TemperatureSamplingGate implements Gate {

  private static final double LOGIT_FLOOR = -700;

  private final DeterministicGate base;
  private final double temperature;

  TemperatureSamplingGate(DeterministicGate base, double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be finite and > 0, got " + temperature);
    }
    int routableExperts = base.pool.size() - base.alwaysOn().length;
    if (!PlackettLuce.isTractable(routableExperts, base.maxRouted())) {
      throw new IllegalArgumentException(
          "temperature exploration choosing up to "
              + base.maxRouted()
              + " of "
              + routableExperts
              + " experts needs exact inclusion probabilities over more than "
              + PlackettLuce.MAX_SUBSETS
              + " subsets; lower k/maxK or use epsilon exploration");
    }
    this.base = base;
    this.temperature = temperature;
  }

  @Override
  public long version() {
    return base.version();
  }

  @Override
  public Selection select(RoutingInput input, float[] features, RandomGenerator random) {
    DeterministicGate.Decision decision = base.decide(input, features);
    double[] scores = decision.scores();
    double[] preferences = base.preferences(scores);
    boolean[] routable = decision.routable();
    int[] candidates = decision.candidates();
    int n = candidates.length;
    double max = Double.NEGATIVE_INFINITY;
    for (int expert : candidates) {
      max = Math.max(max, preferences[expert] / temperature);
    }
    double[] probabilities = new double[n];
    double partition = 0;
    for (int i = 0; i < n; i++) {
      probabilities[i] =
          Math.exp(Math.max(preferences[candidates[i]] / temperature - max, LOGIT_FLOOR));
      partition += probabilities[i];
    }
    for (int i = 0; i < n; i++) {
      probabilities[i] /= partition;
    }
    int k = decision.routed().length;
    int[] drawn = PlackettLuce.sample(probabilities, k, random);
    double[] inclusion = PlackettLuce.inclusionProbabilities(probabilities, k);
    int[] routed = new int[k];
    for (int i = 0; i < k; i++) {
      routed[i] = candidates[drawn[i]];
    }
    double[] propensities = new double[routable.length];
    for (int i = 0; i < n; i++) {
      propensities[candidates[i]] = inclusion[i];
    }
    return base.toSelection(scores, routed, propensities);
  }
}
