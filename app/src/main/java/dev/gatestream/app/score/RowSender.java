package dev.gatestream.app.score;

import dev.gatestream.gateway.client.RequestReplyClient;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/** Sends the next rows of the input as requests, recording each batch in the journal first. */
final class RowSender {

  /** Rows per journal entry: one write-ahead record for many requests. */
  private static final int BATCH = 500;

  private final RequestReplyClient<ScoreRow> client;
  private final ScoreOutputs outputs;
  private final Clock clock;
  private final long defaultDeadlineMs;
  private final long graceMs;
  private long longestDeadlineMs;

  /**
   * @param graceMs how long after its deadline a row's result is waited for
   */
  RowSender(
      RequestReplyClient<ScoreRow> client,
      ScoreOutputs outputs,
      Clock clock,
      ScoreRun.Settings settings,
      long graceMs) {
    this.client = client;
    this.outputs = outputs;
    this.clock = clock;
    this.defaultDeadlineMs = settings.deadlineMs();
    this.graceMs = graceMs;
    this.longestDeadlineMs = settings.deadlineMs();
  }

  /** Sends up to {@code room} rows of {@code feed}, at most one batch. */
  void sendNext(RowFeed feed, int room) throws IOException {
    List<ScoreRow> batch = feed.next(Math.min(BATCH, room), outputs);
    if (batch.isEmpty()) {
      return;
    }
    long latestDeadline =
        batch.stream().mapToLong(row -> row.deadlineMs(defaultDeadlineMs)).max().orElseThrow();
    longestDeadlineMs = Math.max(longestDeadlineMs, latestDeadline);
    // Write-ahead: once recorded as sent, a row is never sent again, even if this process dies
    // mid-batch.
    outputs.sent(
        batch.stream().map(ScoreRow::line).toList(), clock.millis() + latestDeadline + graceMs);
    for (ScoreRow row : batch) {
      client.send(row.request(), row.deadlineMs(defaultDeadlineMs), row);
    }
  }

  /** The longest deadline of any request sent: how long the pipeline may stay silent. */
  long longestDeadlineMs() {
    return longestDeadlineMs;
  }
}
