package dev.gatestream.policy.features;

import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;

/**
 * Uses the request's own numeric features, as given, after checking they are complete and finite.
 */
public final class NumericFeaturizer implements Featurizer {

  private final int dimension;

  public NumericFeaturizer(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException(
          "numeric feature dimension must be positive, got " + dimension);
    }
    this.dimension = dimension;
  }

  @Override
  public String name() {
    return "numeric";
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    float[] features = input.features();
    if (features == null) {
      throw new InvalidInputException("request has no numeric features, expected " + dimension);
    }
    if (features.length != dimension) {
      throw new InvalidInputException(
          "expected " + dimension + " features, got " + features.length);
    }
    for (int i = 0; i < features.length; i++) {
      if (!Float.isFinite(features[i])) {
        throw new InvalidInputException("feature " + i + " is " + features[i]);
      }
    }
    // A copy: the request's array is the caller's and may be reused or changed after routing.
    return features.clone();
  }
}
