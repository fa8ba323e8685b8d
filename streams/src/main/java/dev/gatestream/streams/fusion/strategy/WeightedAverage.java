package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.ClassProbabilities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probability fusion: the weighted mean of the experts' class distributions, over the union of
 * labels.
 */
public final class WeightedAverage implements FusionStrategy {

  @Override
  public String name() {
    return "weighted-average";
  }

  @Override
  public Class<?> outputType() {
    return ClassProbabilities.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    double totalWeight = Weights.total(answers);
    Map<String, Double> mass = new LinkedHashMap<>();
    List<String> contributors = new ArrayList<>(answers.size());
    for (Answer answer : answers) {
      ClassProbabilities distribution = (ClassProbabilities) answer.output();
      double share = Weights.share(answer, totalWeight, answers.size());
      for (int i = 0; i < distribution.getLabels().size(); i++) {
        mass.merge(
            distribution.getLabels().get(i),
            share * distribution.getProbabilities().get(i),
            Double::sum);
      }
      contributors.add(answer.expert());
    }
    return new Fused(Distributions.of(mass), contributors);
  }
}
