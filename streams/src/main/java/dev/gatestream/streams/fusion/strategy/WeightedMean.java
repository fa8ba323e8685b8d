package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.Score;
import java.util.ArrayList;
import java.util.List;

/** The weighted mean of the experts' scores. */
public final class WeightedMean implements FusionStrategy {

  @Override
  public String name() {
    return "weighted-mean";
  }

  @Override
  public Class<?> outputType() {
    return Score.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    double totalWeight = Weights.total(answers);
    double mean = 0;
    List<String> contributors = new ArrayList<>(answers.size());
    for (Answer answer : answers) {
      mean +=
          Weights.share(answer, totalWeight, answers.size()) * ((Score) answer.output()).getValue();
      contributors.add(answer.expert());
    }
    return new Fused(new Score(mean), contributors);
  }
}
