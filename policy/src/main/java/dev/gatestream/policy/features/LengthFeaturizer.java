package dev.gatestream.policy.features;

import dev.gatestream.policy.RoutingInput;

/** log(1 + characters of the text) / 10: one feature, about 1 for a 20,000-character prompt. */
final class LengthFeaturizer implements Featurizer {

  private final int maxTextLength;

  LengthFeaturizer(int maxTextLength) {
    this.maxTextLength = maxTextLength;
  }

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
    return new float[] {
      (float) (Math.log1p(TextInputs.requireText(input, maxTextLength).length()) / 10)
    };
  }
}
