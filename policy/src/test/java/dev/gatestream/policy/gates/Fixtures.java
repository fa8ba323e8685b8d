package dev.gatestream.policy.gates;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Experts and weights whose scores are easy to read: with features {1}, expert i scores biases[i].
 */
final class Fixtures {

  static final float[] ONE = {1f};

  private Fixtures() {}

  static List<Expert> experts(int count) {
    List<Expert> experts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      experts.add(new Expert("e" + i, 0.001 * (i + 1)));
    }
    return experts;
  }

  /** Dimension 1, zero weights, so scores are exactly the biases for any features. */
  static WeightsSnapshot biases(double... biases) {
    Map<String, double[]> parameters = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < biases.length; i++) {
      names.add("e" + i);
      parameters.put("w:e" + i, new double[] {0});
    }
    parameters.put("b", biases.clone());
    return new WeightsSnapshot("test-policy", 3, names, 1, parameters);
  }

  static RoutingInput input() {
    return new RoutingInput("r1", null, null, ONE, null);
  }

  static RoutingInput withTask(String task) {
    return new RoutingInput("r1", task, null, ONE, null);
  }

  static RoutingInput withBudget(double budget) {
    return new RoutingInput("r1", null, null, ONE, budget);
  }

  static List<String> names(Selection selection) {
    return selection.chosen().stream().map(Choice::expert).toList();
  }

  static double weightSum(Selection selection) {
    return selection.chosen().stream().mapToDouble(Choice::gateWeight).sum();
  }
}
