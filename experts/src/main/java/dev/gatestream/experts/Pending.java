package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertTask;

/**
 * A task taken in and not yet answered.
 *
 * @param position where its record is, to acknowledge once its result is written
 * @param bufferedAtMs when it was taken in, for the batch linger
 */
record Pending(ExpertTask task, OffsetTracker.Position position, long bufferedAtMs) {

  long deadlineMs() {
    return task.getRequest().getDeadlineMs();
  }

  String requestId() {
    return task.getRequestId();
  }
}
