package dev.gatestream.policy.learning;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A closed bandit loop on synthetic data: the router's own gate code decides over the weights the
 * learner publishes, one simulated expert call per request, and the learner learns only from the
 * expert that ran. Four contexts (one-hot features) and four experts with Bernoulli rewards; the
 * best expert depends on the context.
 */
final class BanditSimulation {

  static final List<String> EXPERTS = List.of("alpha", "beta", "gamma", "delta");
  static final int CONTEXTS = 4;

  /**
   * Success probability of expert e in context c; best: alpha in 0 and 1, beta in 2, gamma in 3.
   */
  private final double[][] success = {
    {0.9, 0.9, 0.3, 0.3},
    {0.3, 0.3, 0.9, 0.5},
    {0.4, 0.4, 0.5, 0.9},
    {0.6, 0.6, 0.6, 0.6}
  };

  /** What happened to each request, for the measurements. */
  record Step(int context, int expert, int bestExpert) {}

  private final LearnerSettings settings;
  private final GateSpec spec;
  private final int publishEvery;
  private final Random random;

  BanditSimulation(LearnerSettings settings, GateSpec spec, int publishEvery, long seed) {
    this.settings = settings;
    this.spec = spec;
    this.publishEvery = publishEvery;
    this.random = new Random(seed);
  }

  /** From request driftAt on, alpha fails in context 0 (its success drops to 0.1). */
  List<Step> run(int requests, int driftAt) {
    List<Expert> experts = EXPERTS.stream().map(name -> new Expert(name, 0)).toList();
    PolicyLearner learner = new PolicyLearner(settings, EXPERTS);
    Gate gate = Gates.create(spec, experts, CONTEXTS, null);
    SplittableRandom gateRandom = new SplittableRandom(random.nextLong());
    List<Step> steps = new ArrayList<>(requests);
    long version = 0;
    for (int t = 0; t < requests; t++) {
      if (t == driftAt) {
        success[0][0] = 0.1;
      }
      int context = random.nextInt(CONTEXTS);
      float[] x = new float[CONTEXTS];
      x[context] = 1;
      Choice choice =
          gate.select(new RoutingInput("r" + t, null, null, x, null), x, gateRandom)
              .chosen()
              .get(0);
      int expert = EXPERTS.indexOf(choice.expert());
      double reward = random.nextDouble() < success[expert][context] ? 1 : 0;
      learner.update(
          x, List.of(new ExpertFeedback(choice.expert(), reward, reward, choice.propensity(), 0)));
      steps.add(new Step(context, expert, best(context)));
      if ((t + 1) % publishEvery == 0) {
        version++;
        gate =
            Gates.create(
                spec,
                experts,
                CONTEXTS,
                new WeightsSnapshot(
                    "p", version, learner.experts(), CONTEXTS, learner.parameters(version)));
      }
    }
    return steps;
  }

  private int best(int context) {
    int best = 0;
    for (int e = 1; e < success.length; e++) {
      if (success[e][context] > success[best][context]) {
        best = e;
      }
    }
    return best;
  }

  /** Each expert's share of the first n requests. */
  static double[] shares(List<Step> steps, int n) {
    double[] shares = new double[EXPERTS.size()];
    for (int t = 0; t < n; t++) {
      shares[steps.get(t).expert()] += 1.0 / n;
    }
    return shares;
  }

  /** Share of requests in [from, to) routed to their context's best expert. */
  static double bestRate(List<Step> steps, int from, int to) {
    int best = 0;
    for (int t = from; t < to; t++) {
      best += steps.get(t).expert() == steps.get(t).bestExpert() ? 1 : 0;
    }
    return (double) best / (to - from);
  }

  /**
   * First request from which every window of the given size routes at least rate to the best
   * experts.
   */
  static int convergedAt(List<Step> steps, int until, int window, double rate) {
    int converged = -1;
    for (int t = 0; t + window <= until; t += window / 4) {
      if (bestRate(steps, t, t + window) >= rate) {
        if (converged < 0) {
          converged = t;
        }
      } else {
        converged = -1;
      }
    }
    return converged;
  }

  /**
   * Requests after driftAt until, among the next 50 context-0 requests, at least 90% avoid alpha;
   * -1 if that never happens.
   */
  static int movedAwayAfter(List<Step> steps, int driftAt) {
    List<Integer> contextZero = new ArrayList<>();
    for (int t = driftAt; t < steps.size(); t++) {
      if (steps.get(t).context() == 0) {
        contextZero.add(t);
      }
    }
    for (int i = 0; i + 50 <= contextZero.size(); i++) {
      int away = 0;
      for (int k = i; k < i + 50; k++) {
        away += steps.get(contextZero.get(k)).expert() != 0 ? 1 : 0;
      }
      if (away >= 45) {
        return contextZero.get(i) - driftAt;
      }
    }
    return -1;
  }
}
