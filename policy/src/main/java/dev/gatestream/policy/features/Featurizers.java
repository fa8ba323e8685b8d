package dev.gatestream.policy.features;

import dev.gatestream.policy.features.FeatureSpec.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the featurizer a {@link FeatureSpec} describes; its name is the spec's, which decisions
 * carry.
 */
public final class Featurizers {

  private Featurizers() {}

  /** With the MiniLM block's defaults: 128 tokens, a model thread per core. */
  public static Featurizer create(FeatureSpec spec, int maxTextLength) {
    return create(
        spec, maxTextLength, MiniLmFeaturizer.DEFAULT_MAX_TOKENS, MiniLmFeaturizer.threads(0));
  }

  /**
   * @param maxTextLength the text blocks refuse longer texts (the router dead-letters them)
   * @param minilmMaxTokens the MiniLM block cuts texts to this many tokens
   * @param minilmThreads the MiniLM block's model threads
   */
  public static Featurizer create(
      FeatureSpec spec, int maxTextLength, int minilmMaxTokens, int minilmThreads) {
    TextInputs.requirePositiveMaxLength(maxTextLength);
    List<Featurizer> blocks = new ArrayList<>();
    for (Block block : spec.blocks()) {
      blocks.add(
          switch (block) {
            case TASK -> new TaskFeaturizer(spec.taskDimension());
            // With its own task block, the task label is no longer also one of the hashed tokens.
            case HASHED ->
                new HashedTextFeaturizer(
                    spec.vectorDimension(), !spec.has(Block.TASK), maxTextLength);
            case NUMERIC -> new NumericFeaturizer(spec.vectorDimension());
            case LENGTH -> new LengthFeaturizer(maxTextLength);
            case MINILM -> {
              Featurizer minilm =
                  new MiniLmFeaturizer(maxTextLength, minilmMaxTokens, minilmThreads);
              yield spec.projectionDimension() == 0
                  ? minilm
                  : new ProjectedFeaturizer(
                      minilm, spec.projectionDimension(), spec.projectionSeed());
            }
          });
    }
    return new ConcatenatedFeaturizer(spec.name(), blocks);
  }
}
