package dev.gatestream.policy.features;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;

/** The checks every text featurizer makes before it looks at the text. */
final class TextInputs {

  /** Longer prompts than this are refused unless a featurizer is configured otherwise. */
  static final int DEFAULT_MAX_LENGTH = 100_000;

  private TextInputs() {}

  static String requireText(RoutingInput input, int maxLength) {
    String text = input.text();
    if (text == null) {
      throw new InvalidInputException("request has no text");
    }
    if (text.length() > maxLength) {
      throw new InvalidInputException(
          "text has " + text.length() + " characters, more than the " + maxLength + " allowed");
    }
    if (text.isBlank()) {
      throw new InvalidInputException("text is blank");
    }
    return text;
  }

  static int requirePositiveMaxLength(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("max text length must be positive, got " + maxLength);
    }
    return maxLength;
  }
}
