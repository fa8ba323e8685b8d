package dev.gatestream.topology.router;

import dev.gatestream.gating.Gate;
import dev.gatestream.gating.WeightsSnapshot;

/** Builds the policy's gate from a weights snapshot, or from its configured initial weights. */
@FunctionalInterface
public interface GateFactory {

  /**
   * @param weights the published weights, or null for the configured initial weights
   * @throws IllegalArgumentException when the weights do not fit the configured experts or features
   */
  Gate create(WeightsSnapshot weights);
}
