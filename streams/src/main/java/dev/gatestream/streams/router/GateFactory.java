package dev.gatestream.streams.router;

import dev.gatestream.policy.Gate;
import dev.gatestream.policy.WeightsSnapshot;

/** Builds the policy's gate from a weights snapshot, or from its configured initial weights. */
@FunctionalInterface
public interface GateFactory {

  /**
   * @param weights the published weights, or null for the configured initial weights
   * @throws IllegalArgumentException when the weights do not fit the configured experts or features
   */
  Gate create(WeightsSnapshot weights);

  /**
   * The factory of a gate named by published weights (their {@code gate} field: a promoted
   * candidate's gate).
   */
  @FunctionalInterface
  interface Resolver {
    /**
     * @throws IllegalArgumentException when the spec names no gate this router can build
     */
    GateFactory forGate(String spec);
  }
}
