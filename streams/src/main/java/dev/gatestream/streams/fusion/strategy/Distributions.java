package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.ClassProbabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Building class distributions from accumulated mass. */
final class Distributions {

  private Distributions() {}

  /** Labels in first-seen order, probabilities normalized to sum to 1. */
  static ClassProbabilities of(Map<String, Double> mass) {
    double total = mass.values().stream().mapToDouble(Double::doubleValue).sum();
    List<String> labels = new ArrayList<>(mass.keySet());
    List<Double> probabilities = new ArrayList<>(labels.size());
    for (String label : labels) {
      probabilities.add(total > 0 ? mass.get(label) / total : 1.0 / labels.size());
    }
    return new ClassProbabilities(labels, probabilities);
  }

  /** Index of the most probable label; the first one on ties. */
  static int argmax(ClassProbabilities distribution) {
    int best = 0;
    for (int i = 1; i < distribution.getProbabilities().size(); i++) {
      if (distribution.getProbabilities().get(i) > distribution.getProbabilities().get(best)) {
        best = i;
      }
    }
    return best;
  }
}
