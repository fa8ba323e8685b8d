package dev.gatestream.experts;

import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** How one task went at the backend: an answer, or a failure that may be worth retrying. */
public sealed interface Outcome {

  /**
   * An answer.
   *
   * @param output a {@link ClassProbabilities}, {@link Score} or {@link TextAnswer}
   * @param cost what the call cost in USD, when the backend knows; else the expert's price per call
   * @param latencyMs how long the expert took, when the backend knows; else the measured call time
   */
  record Answer(Object output, OptionalDouble cost, OptionalLong latencyMs) implements Outcome {
    public Answer {
      Objects.requireNonNull(output, "output");
      if (!(output instanceof ClassProbabilities
          || output instanceof Score
          || output instanceof TextAnswer)) {
        throw new IllegalArgumentException(
            "an expert's output is ClassProbabilities, Score or"
                + " TextAnswer, not "
                + output.getClass().getName());
      }
    }
  }

  /** A failure; transient ones (timeouts, overload) are retried, permanent ones are not. */
  record Failure(String message, boolean transientFailure) implements Outcome {
    public Failure {
      Objects.requireNonNull(message, "message");
    }
  }

  static Answer answer(Object output) {
    return new Answer(output, OptionalDouble.empty(), OptionalLong.empty());
  }

  static Failure permanent(String message) {
    return new Failure(message, false);
  }

  static Failure transientFailure(String message) {
    return new Failure(message, true);
  }
}
