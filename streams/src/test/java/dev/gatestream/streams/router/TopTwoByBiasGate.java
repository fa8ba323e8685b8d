package dev.gatestream.streams.router;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** A deterministic gate for topology tests: the two experts with the highest bias. */
final class TopTwoByBiasGate implements Gate {

  private final long version;
  private final Map<String, Double> biases = new LinkedHashMap<>();

  TopTwoByBiasGate(List<String> experts, WeightsSnapshot weights) {
    this.version = weights == null ? 0 : weights.version();
    for (int i = 0; i < experts.size(); i++) {
      double bias = 0;
      if (weights != null) {
        int index = weights.experts().indexOf(experts.get(i));
        bias = index < 0 ? 0 : weights.parameters().get("b")[index];
      }
      biases.put(experts.get(i), bias - i * 1e-6); // configured order breaks ties
    }
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public Selection select(RoutingInput input, float[] features, RandomGenerator random) {
    List<String> ranked = new ArrayList<>(biases.keySet());
    ranked.sort(Comparator.comparingDouble(biases::get).reversed());
    Map<String, Double> propensities = new LinkedHashMap<>();
    biases
        .keySet()
        .forEach(expert -> propensities.put(expert, ranked.indexOf(expert) < 2 ? 1.0 : 0.0));
    return new Selection(
        List.of(new Choice(ranked.get(0), 0.5, 1.0), new Choice(ranked.get(1), 0.5, 1.0)),
        propensities,
        Map.copyOf(biases));
  }
}
