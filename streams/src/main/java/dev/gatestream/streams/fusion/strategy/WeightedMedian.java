package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.Score;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The weighted median of the experts' scores: the smallest score at which the cumulative weight
 * reaches half; robust to one expert that is far off.
 */
public final class WeightedMedian implements FusionStrategy {

  @Override
  public String name() {
    return "weighted-median";
  }

  @Override
  public Class<?> outputType() {
    return Score.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    List<Answer> sorted = new ArrayList<>(answers);
    sorted.sort(Comparator.comparingDouble(answer -> ((Score) answer.output()).getValue()));
    double totalWeight = Weights.total(answers);
    double cumulative = 0;
    double median = ((Score) sorted.get(sorted.size() - 1).output()).getValue();
    for (Answer answer : sorted) {
      cumulative += Weights.share(answer, totalWeight, answers.size());
      if (cumulative >= 0.5 - 1e-12) {
        median = ((Score) answer.output()).getValue();
        break;
      }
    }
    return new Fused(new Score(median), answers.stream().map(Answer::expert).toList());
  }
}
