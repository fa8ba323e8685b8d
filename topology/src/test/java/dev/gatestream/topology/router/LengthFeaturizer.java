package dev.gatestream.topology.router;

import dev.gatestream.gating.InvalidInputException;
import dev.gatestream.gating.RoutingInput;
import dev.gatestream.gating.features.Featurizer;

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
