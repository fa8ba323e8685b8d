package dev.gatestream.adaptation.events;

/**
 * One routing-weights snapshot as the learner emits it; the Kafka sink turns it into a
 * RoutingWeights record. Parameter blocks as parallel arrays, so the record stays a Flink POJO.
 *
 * @param oldestFeedbackAtMs event time of the oldest feedback first published in this version
 * @param lineage what the version carries from the policy's newest promotion or rollback; null when
 *     it has had none
 */
public record PublishedWeights(
    String policy,
    long version,
    String[] experts,
    int featureDimension,
    String[] blockNames,
    double[][] blocks,
    long examples,
    long publishedAtMs,
    long oldestFeedbackAtMs,
    Lineage lineage) {

  /** One named parameter block, or null. */
  public double[] block(String name) {
    for (int i = 0; i < blockNames.length; i++) {
      if (blockNames[i].equals(name)) {
        return blocks[i];
      }
    }
    return null;
  }
}
