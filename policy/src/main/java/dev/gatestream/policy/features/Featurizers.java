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

  /**
   * @param maxTextLength the text blocks refuse longer texts (the router dead-letters them)
   */
  public static Featurizer create(FeatureSpec spec, int maxTextLength) {
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
                  new MiniLmFeaturizer(maxTextLength, Runtime.getRuntime().availableProcessors());
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
