package dev.gatestream.policy.gates;

import dev.gatestream.policy.RoutingInput;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Routes by the request's task label alone: each task has a fixed list of experts, other tasks (and
 * requests without one) get the default list. Gate weights are equal; scores are 1 for the listed
 * experts and 0 for the others, so temperature exploration leans towards the listed ones.
 */
public final class TaskRulesGate extends DeterministicGate {

  private final Map<String, int[]> expertsByTask;
  private final int[] defaultExperts;
  private final boolean[] routable;

  TaskRulesGate(
      ExpertPool pool, long version, Map<String, List<String>> rules, List<String> defaults) {
    super(pool, version, 0, 0);
    if (defaults == null || defaults.isEmpty()) {
      throw new IllegalArgumentException("task-rules gate needs a non-empty default expert list");
    }
    this.defaultExperts = indices(pool, defaults, "the default rule");
    this.expertsByTask = new HashMap<>();
    rules.forEach(
        (task, experts) -> {
          if (experts == null || experts.isEmpty()) {
            throw new IllegalArgumentException("the rule for task " + task + " lists no experts");
          }
          expertsByTask.put(task, indices(pool, experts, "the rule for task " + task));
        });
    this.routable = allRoutableExcept(pool.size(), NONE);
  }

  private static int[] indices(ExpertPool pool, List<String> names, String rule) {
    int[] indices = new int[names.size()];
    boolean[] seen = new boolean[pool.size()];
    for (int i = 0; i < names.size(); i++) {
      indices[i] = pool.indexOf(names.get(i), rule);
      if (seen[indices[i]]) {
        throw new IllegalArgumentException(rule + " lists expert " + names.get(i) + " twice");
      }
      seen[indices[i]] = true;
    }
    return indices;
  }

  private int[] expertsFor(RoutingInput input) {
    int[] experts = input.task() == null ? null : expertsByTask.get(input.task());
    return experts == null ? defaultExperts : experts;
  }

  @Override
  double[] scores(RoutingInput input, float[] features) {
    double[] scores = new double[pool.size()];
    for (int expert : expertsFor(input)) {
      scores[expert] = 1;
    }
    return scores;
  }

  @Override
  boolean[] routable(RoutingInput input) {
    return routable;
  }

  @Override
  int[] chooseRouted(RoutingInput input, double[] scores, boolean[] routable) {
    return expertsFor(input).clone();
  }

  @Override
  double[] gateWeights(double[] scores, int[] chosen) {
    double[] weights = new double[chosen.length];
    Arrays.fill(weights, 1.0 / chosen.length);
    return weights;
  }

  @Override
  int maxOwnRouted() {
    int max = defaultExperts.length;
    for (int[] experts : expertsByTask.values()) {
      max = Math.max(max, experts.length);
    }
    return max;
  }
}
