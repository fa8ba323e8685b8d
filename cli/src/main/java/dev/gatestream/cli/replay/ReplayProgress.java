package dev.gatestream.cli.replay;

import dev.gatestream.app.replay.ReplayListener;
import dev.gatestream.config.GatestreamConfig;
import java.io.PrintWriter;
import java.time.Duration;

/** A replay's progress as terminal lines; the lines of a sweep's run start with its point. */
public final class ReplayProgress implements ReplayListener {

  private final PrintWriter out;
  private String label = "";

  public ReplayProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void runStarted(RunStarted run) {
    label = run.swept() ? "[" + run.setting() + "=" + run.value() + "] " : "";
  }

  @Override
  public void referenceFeaturized(ReferenceFeaturized progress) {
    print(
        "%s%s: featurized %d of %d rows for the kNN reference (%s, %.0f/s)%n",
        label,
        progress.log(),
        progress.featurized(),
        progress.rows(),
        progress.featurizer(),
        perSecond(progress.featurized(), progress.elapsed()));
  }

  @Override
  public void referenceSkipped(ReferenceSkipped skipped) {
    print(
        "%s%s: no kNN reference, the %s featurizer refuses its rows: %s%n",
        label, skipped.log(), skipped.featurizer(), skipped.reason());
  }

  @Override
  public void topicsReady(TopicsReady topics) {
    print(
        "%sreplaying %d sources, %d experts, on topics %s*%n",
        label, topics.sources(), topics.experts(), topics.topicPrefix());
  }

  /** Nothing: the segment's line of progress is its first bucket's. */
  @Override
  public void segmentStarted(SegmentStarted segment) {}

  @Override
  public void bucketCompleted(BucketCompleted completed) {
    print(
        "%s%s: %6d requests, %5.0f/s, quality %.3f, cost %.5f, weights v%d%n",
        label,
        completed.segment(),
        completed.done(),
        perSecond(completed.done(), completed.elapsed()),
        completed.bucket().quality(),
        completed.bucket().cost(),
        completed.bucket().policyVersion());
  }

  /** Nothing: the report's tables show every segment at the end. */
  @Override
  public void segmentFinished(SegmentFinished segment) {}

  @Override
  public void topicsKept(TopicsKept topics) {
    print(
        "%skept the topics %s* (evaluate with --set %s=%s)%n",
        label, topics.topicPrefix(), GatestreamConfig.TOPIC_PREFIX, topics.topicPrefix());
  }

  private void print(String format, Object... args) {
    out.printf(format, args);
    out.flush();
  }

  private static double perSecond(int count, Duration elapsed) {
    return count / (elapsed.toNanos() / 1e9);
  }
}
