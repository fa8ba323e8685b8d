package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.ClassProbabilities;
import java.util.List;

/**
 * The answer of the expert most sure of its top label; the earlier one (by routing order) on ties.
 */
public final class HighestConfidence implements FusionStrategy {

  @Override
  public String name() {
    return "highest-confidence";
  }

  @Override
  public Class<?> outputType() {
    return ClassProbabilities.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    Answer best = null;
    double bestConfidence = -1;
    for (Answer answer : answers) {
      ClassProbabilities distribution = (ClassProbabilities) answer.output();
      double confidence = distribution.getProbabilities().get(Distributions.argmax(distribution));
      if (confidence > bestConfidence) {
        best = answer;
        bestConfidence = confidence;
      }
    }
    return new Fused(best.output(), List.of(best.expert()));
  }
}
