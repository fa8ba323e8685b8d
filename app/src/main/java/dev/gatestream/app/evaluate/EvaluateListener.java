package dev.gatestream.app.evaluate;

import java.nio.file.Path;
import org.apache.kafka.common.TopicPartition;

/**
 * What an evaluation tells before it estimates: records of the results and feedback it could not
 * read, then the decisions read, then the export. Every method does nothing unless overridden.
 */
public interface EvaluateListener {

  EvaluateListener NONE = new EvaluateListener() {};

  /**
   * Unreadable results and feedback leave their decisions without rewards: said rather than lost
   * quietly.
   */
  default void unreadableSkipped(UnreadableSkipped skipped) {}

  default void decisionsRead(EvaluateReport.Source source) {}

  default void exported(Exported exported) {}

  /**
   * @param what the kind of record, e.g. "results"
   * @param partition where the first of them is
   * @param offset its offset in the partition
   */
  record UnreadableSkipped(String what, long count, TopicPartition partition, long offset) {}

  /** The decisions read, written to this file. */
  record Exported(int decisions, Path file) {}
}
