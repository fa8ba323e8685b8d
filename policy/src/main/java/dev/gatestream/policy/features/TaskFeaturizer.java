package dev.gatestream.policy.features;

import dev.gatestream.policy.RoutingInput;
import java.util.Locale;

/**
 * The task label as a one-hot vector: its own block, so that the learner gives every task (up to
 * hash collisions) its own offset per expert instead of one token among hundreds of n-grams. A
 * request without a label gets all zeros, and the other blocks and the bias decide.
 */
final class TaskFeaturizer implements Featurizer {

  private static final int SEED = 0x3c6ef372;

  private final int dimension;

  TaskFeaturizer(int dimension) {
    this.dimension = dimension;
  }

  @Override
  public String name() {
    return "task";
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public float[] featurize(RoutingInput input) {
    float[] features = new float[dimension];
    String task = input.task();
    if (task != null && !task.isBlank()) {
      char[] chars = task.strip().toLowerCase(Locale.ROOT).toCharArray();
      features[Math.floorMod(Murmur3.hashChars(chars, 0, chars.length, SEED), dimension)] = 1;
    }
    return features;
  }
}
