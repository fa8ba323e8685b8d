package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.ClassProbabilities;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted majority vote: each expert votes for its most probable label with its weight; the output
 * is the distribution of vote shares, so its top label is the weighted majority.
 */
public final class WeightedVote implements FusionStrategy {

  @Override
  public String name() {
    return "weighted-vote";
  }

  @Override
  public Class<?> outputType() {
    return ClassProbabilities.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    double totalWeight = Weights.total(answers);
    Map<String, Double> votes = new LinkedHashMap<>();
    List<String> contributors = new ArrayList<>(answers.size());
    for (Answer answer : answers) {
      ClassProbabilities distribution = (ClassProbabilities) answer.output();
      String vote = distribution.getLabels().get(Distributions.argmax(distribution));
      votes.merge(vote, Weights.share(answer, totalWeight, answers.size()), Double::sum);
      contributors.add(answer.expert());
    }
    return new Fused(Distributions.of(votes), contributors);
  }
}
