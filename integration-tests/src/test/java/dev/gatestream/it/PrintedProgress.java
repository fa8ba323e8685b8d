package dev.gatestream.it;

import dev.gatestream.app.replay.ReplayListener;

/** A replay's progress on the test's output, for reading a failed run's log. */
final class PrintedProgress implements ReplayListener {

  @Override
  public void runStarted(RunStarted run) {
    System.out.println(run.swept() ? "run " + run.setting() + "=" + run.value() : "run");
  }

  @Override
  public void topicsReady(TopicsReady topics) {
    System.out.printf(
        "replaying %d sources, %d experts, on topics %s*%n",
        topics.sources(), topics.experts(), topics.topicPrefix());
  }

  @Override
  public void bucketCompleted(BucketCompleted completed) {
    System.out.printf(
        "%s: %d requests, quality %.3f, cost %.5f, weights v%d%n",
        completed.segment(),
        completed.done(),
        completed.bucket().quality(),
        completed.bucket().cost(),
        completed.bucket().policyVersion());
  }
}
