package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.ExpertResult;
import java.util.OptionalDouble;

/**
 * What an answer says of its own reliability: the confidence the expert reported with it, else its
 * top class probability. A score or a text carries none (a replayed score is the logged quality, a
 * label in disguise, so it must never pass for a confidence).
 */
final class AnswerConfidence {

  private AnswerConfidence() {}

  /** The answer's confidence in [0,1], empty when it reports none usable. */
  static OptionalDouble of(ExpertResult result) {
    Double reported = result.getConfidence();
    if (reported != null) {
      return usable(reported);
    }
    if (result.getOutput() instanceof ClassProbabilities classes
        && !classes.getProbabilities().isEmpty()) {
      double top = Double.NEGATIVE_INFINITY;
      for (double probability : classes.getProbabilities()) {
        top = Math.max(top, probability);
      }
      return usable(top);
    }
    return OptionalDouble.empty();
  }

  private static OptionalDouble usable(double value) {
    return value >= 0 && value <= 1 ? OptionalDouble.of(value) : OptionalDouble.empty();
  }
}
