package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A contextual bandit over four experts whose true values are known exactly: requests come
 * uniformly from a fixed set of contexts (3 features, a task label), and expert a's reward on
 * context c is Bernoulli(μ[c][a]) with μ a logistic function of the features — so a linear reward
 * model is close but misspecified, as in practice.
 */
final class BanditSimulator {

  static final int DIMENSION = 3;
  static final List<String> NAMES = List.of("e0", "e1", "e2", "e3");
  static final List<Expert> EXPERTS = NAMES.stream().map(name -> new Expert(name, 0.001)).toList();

  /** Reward logits: each expert is best somewhere, e0 a bit better on average. */
  private static final double[][] THETA = {
    {1.2, 0, 0.3}, {-1, 0.8, 0}, {0, -1.1, 0.5}, {0.2, 0.3, -1.2}
  };

  private static final double[] BIAS = {0.3, 0, -0.1, -0.2};

  final float[][] contexts;
  final String[] tasks;
  final double[][] mu;

  BanditSimulator(int contextCount, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    contexts = new float[contextCount][DIMENSION];
    tasks = new String[contextCount];
    mu = new double[contextCount][NAMES.size()];
    for (int c = 0; c < contextCount; c++) {
      for (int j = 0; j < DIMENSION; j++) {
        contexts[c][j] = (float) gaussian(random);
      }
      tasks[c] = contexts[c][0] > 0 ? "math" : "chat";
      for (int a = 0; a < NAMES.size(); a++) {
        double logit = BIAS[a];
        for (int j = 0; j < DIMENSION; j++) {
          logit += THETA[a][j] * contexts[c][j];
        }
        mu[c][a] = 1 / (1 + Math.exp(-logit));
      }
    }
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** Gate weights that score expert a by scale·(θ_a·x + b_a): aligned with the rewards. */
  static WeightsSnapshot aligned(double scale) {
    return weights(THETA, BIAS, scale);
  }

  /** Weights that favor e3, the worst expert on average. */
  static WeightsSnapshot misaligned() {
    return weights(
        new double[][] {{0, 0, 0}, {0, 0.5, 0}, {0, 0, 0}, {0, 0, 0.5}},
        new double[] {0, 0, 0, 1},
        1);
  }

  static WeightsSnapshot weights(double[][] theta, double[] bias, double scale) {
    Map<String, double[]> parameters = new HashMap<>();
    double[] b = new double[bias.length];
    for (int a = 0; a < bias.length; a++) {
      double[] w = new double[DIMENSION];
      for (int j = 0; j < DIMENSION; j++) {
        w[j] = scale * theta[a][j];
      }
      parameters.put("w:" + NAMES.get(a), w);
      b[a] = scale * bias[a];
    }
    parameters.put("b", b);
    return new WeightsSnapshot("sim", 1, NAMES.subList(0, bias.length), DIMENSION, parameters);
  }

  /**
   * n decisions the logging gate made, with the chosen experts' Bernoulli rewards; with {@code
   * revealAll} the unchosen experts' rewards are recorded too, as replayed logs do.
   */
  List<LoggedDecision> log(Gate logging, int n, long seed, boolean revealAll) {
    SplittableRandom random = new SplittableRandom(seed);
    List<LoggedDecision> decisions = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(contexts.length);
      RoutingInput input = new RoutingInput("r" + i, tasks[c], null, contexts[c], null);
      Selection selection = logging.select(input, contexts[c], random);
      Map<String, Double> rewards = new HashMap<>();
      for (int a = 0; a < NAMES.size(); a++) {
        double reward = random.nextDouble() < mu[c][a] ? 1 : 0;
        boolean chosen =
            selection.chosen().stream().map(Choice::expert).anyMatch(NAMES.get(a)::equals);
        if (chosen || revealAll) {
          rewards.put(NAMES.get(a), reward);
        }
      }
      decisions.add(
          new LoggedDecision(
              input.requestId(),
              tasks[c],
              null,
              contexts[c],
              null,
              selection.chosen(),
              selection.candidatePropensities(),
              rewards,
              null));
    }
    return decisions;
  }

  /**
   * The candidate gate's exact value: contexts are uniform, so the mean over them of its expected
   * reward.
   */
  double trueValue(Gate candidate, Estimand estimand) {
    double value = 0;
    for (int c = 0; c < contexts.length; c++) {
      RoutingInput input = new RoutingInput("truth", tasks[c], null, contexts[c], null);
      Map<String, Double> p =
          candidate.select(input, contexts[c], new SplittableRandom(0)).candidatePropensities();
      double total = 0;
      double mass = 0;
      for (int a = 0; a < NAMES.size(); a++) {
        double probability = p.getOrDefault(NAMES.get(a), 0.0);
        total += probability * mu[c][a];
        mass += probability;
      }
      value += estimand == Estimand.TOTAL_REWARD ? total : total / mass;
    }
    return value / contexts.length;
  }
}
