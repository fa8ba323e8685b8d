package dev.gatestream.app.bench;

/**
 * What the bench tells while it runs, per chain measured: its topics are created, its results come
 * in phase by phase, and it is measured. Every method does nothing unless overridden.
 */
public interface BenchListener {

  default void topicsCreating(TopicsCreating topics) {}

  default void awaiting(Awaiting results) {}

  default void measured(BenchReport.ChainResult result) {}

  /** A chain's topics are being created under this prefix. */
  record TopicsCreating(String chain, int topics, String topicPrefix) {}

  /**
   * A phase waits for its results: so many of so many are in (said every few seconds while it
   * waits).
   */
  record Awaiting(String phase, long received, long expected) {}
}
