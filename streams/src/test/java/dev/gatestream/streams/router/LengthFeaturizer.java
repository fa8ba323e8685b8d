package dev.gatestream.streams.router;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.features.Featurizer;

/** A one-feature featurizer for topology tests: the text's length; text is required. */
final class LengthFeaturizer implements Featurizer {

  @Override
  public String name() {
    return "length";
  }

  @Override
  public int dimension() {
    return 1;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    if (input.text() == null) {
      throw new InvalidInputException("request has no text");
    }
    return new float[] {input.text().length()};
  }
}
