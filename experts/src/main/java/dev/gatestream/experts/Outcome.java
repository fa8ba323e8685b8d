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
   * @param confidence what the expert says of its own answer, in [0,1], when it says anything
   */
  record Answer(
      Object output, OptionalDouble cost, OptionalLong latencyMs, OptionalDouble confidence)
      implements Outcome {

    public Answer(Object output, OptionalDouble cost, OptionalLong latencyMs) {
      this(output, cost, latencyMs, OptionalDouble.empty());
    }

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
      Objects.requireNonNull(confidence, "confidence");
      if (confidence.isPresent()
          && !(confidence.getAsDouble() >= 0 && confidence.getAsDouble() <= 1)) {
        throw new IllegalArgumentException(
            "an answer's confidence is in [0,1], not " + confidence.getAsDouble());
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
