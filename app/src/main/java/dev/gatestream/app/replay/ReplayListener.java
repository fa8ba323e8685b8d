package dev.gatestream.app.replay;

import java.time.Duration;

/**
 * What a replay tells while it runs, in this order per run: the run starts; each log is featurized
 * for its kNN reference (or the reference skipped); the run's topics are ready; each segment
 * starts, completes bucket after bucket, and finishes; the topics are kept if asked. Every method
 * does nothing unless overridden.
 */
public interface ReplayListener {

  default void runStarted(RunStarted run) {}

  default void referenceFeaturized(ReferenceFeaturized progress) {}

  default void referenceSkipped(ReferenceSkipped skipped) {}

  default void topicsReady(TopicsReady topics) {}

  default void segmentStarted(SegmentStarted segment) {}

  default void bucketCompleted(BucketCompleted bucket) {}

  default void segmentFinished(SegmentFinished segment) {}

  default void topicsKept(TopicsKept topics) {}

  /**
   * One run begins: the only one, or one point of a sweep.
   *
   * @param setting the swept setting, null without a sweep
   * @param value its value in this run, null without a sweep
   */
  record RunStarted(String setting, String value) {

    public boolean swept() {
      return setting != null;
    }
  }

  /** How far the featurizer got with a log's rows, for the kNN reference. */
  record ReferenceFeaturized(
      String log, int featurized, int rows, String featurizer, Duration elapsed) {}

  /** A log has no kNN reference: the featurizer refuses its rows. */
  record ReferenceSkipped(String log, String featurizer, String reason) {}

  /** The run's topics exist and its pipeline starts. */
  record TopicsReady(int sources, int experts, String topicPrefix) {}

  /** A source starts replaying. */
  record SegmentStarted(String name, int requests) {}

  /**
   * A bucket of results is in.
   *
   * @param done requests of the segment whose results are in so far
   * @param elapsed since the segment started
   */
  record BucketCompleted(String segment, int done, Duration elapsed, ReplayReport.Bucket bucket) {}

  /** A source is replayed. */
  record SegmentFinished(ReplayReport.Segment segment) {}

  /** The run's topics stay, under this prefix, instead of being deleted. */
  record TopicsKept(String topicPrefix) {}
}
