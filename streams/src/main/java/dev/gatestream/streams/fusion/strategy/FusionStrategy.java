package dev.gatestream.streams.fusion.strategy;

import java.util.List;

/**
 * Fuses experts' successful answers of one output type into one answer. Pure: no Kafka, no state.
 */
public interface FusionStrategy {

  String name();

  /** The output type this strategy fuses: ClassProbabilities, Score or TextAnswer. */
  Class<?> outputType();

  /**
   * @param answers non-empty, all of {@link #outputType()}, in the routing decision's order
   */
  Fused fuse(List<Answer> answers);
}
