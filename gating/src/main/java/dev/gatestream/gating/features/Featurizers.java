package dev.gatestream.gating.features;

import java.util.Locale;

/** Builds a featurizer from the few settings a policy's configuration names. */
public final class Featurizers {

  /** The projection seed every component uses unless told otherwise, so their features agree. */
  public static final long DEFAULT_PROJECTION_SEED = 20_240_601L;

  private Featurizers() {}

  /** {@link #create(String, int, int, int, long)} with {@link #DEFAULT_PROJECTION_SEED}. */
  public static Featurizer create(String kind, int dimension, int projectionDimension, int maxTextLength) {
    return create(kind, dimension, projectionDimension, maxTextLength, DEFAULT_PROJECTION_SEED);
  }

  /**
   * @param kind {@code numeric} (the request's own features), {@code hashed} (hashed text n-grams) or
   *     {@code minilm} (MiniLM-L6-v2 sentence embeddings)
   * @param dimension the featurizer's own output size: the numeric features' length, the hashed
   *     vector's size, or 384 for minilm
   * @param projectionDimension 0 for none, else a smaller size to randomly project to
   * @param maxTextLength the text featurizers refuse longer texts (the router dead-letters them)
   */
  public static Featurizer create(String kind, int dimension, int projectionDimension, int maxTextLength, long seed) {
    if (projectionDimension < 0) {
      throw new IllegalArgumentException("projection dimension must be 0 (none) or positive, got "
          + projectionDimension);
    }
    if (projectionDimension > 0 && projectionDimension >= dimension) {
      throw new IllegalArgumentException("projection dimension " + projectionDimension
          + " is not smaller than the " + kind + " featurizer's " + dimension);
    }
    Featurizer featurizer = base(kind == null ? "" : kind.toLowerCase(Locale.ROOT), dimension, maxTextLength);
    return projectionDimension == 0 ? featurizer : new ProjectedFeaturizer(featurizer, projectionDimension, seed);
  }

  private static Featurizer base(String kind, int dimension, int maxTextLength) {
    switch (kind) {
      case "numeric":
        return new NumericFeaturizer(dimension);
      case "hashed":
        return new HashedTextFeaturizer(dimension, true, maxTextLength);
      case "minilm":
        if (dimension != MiniLmFeaturizer.DIMENSION) {
          throw new IllegalArgumentException("the minilm featurizer gives " + MiniLmFeaturizer.DIMENSION
              + " features, not " + dimension + " (use projectionDimension to shrink it)");
        }
        return new MiniLmFeaturizer(maxTextLength, Runtime.getRuntime().availableProcessors());
      default:
        throw new IllegalArgumentException(
            "unknown featurizer kind '" + kind + "', expected numeric, hashed or minilm");
    }
  }
}
