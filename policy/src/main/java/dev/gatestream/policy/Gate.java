package dev.gatestream.policy;

import java.util.random.RandomGenerator;

/**
 * Turns a request's features into a selection of experts. Immutable: a gate holds one version of
 * its weights, so one decision never mixes two versions; new weights make a new gate.
 */
public interface Gate {

  /** The weights version this gate decides with (0 for the configured initial weights). */
  long version();

  /**
   * @param features the featurizer's output for input (may be empty for gates that ignore features)
   * @param random source of exploration randomness
   */
  Selection select(RoutingInput input, float[] features, RandomGenerator random);
}
