package dev.gatestream.app.score;

import dev.gatestream.gateway.client.RequestReplyClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The loop of one run: sends rows while the window (sized from the pipeline's throughput, unless
 * fixed) has room, collects what becomes of them, gives up on those past their deadline and grace,
 * and checkpoints every second, until every row is done or a stop is asked for.
 */
final class ScoreLoop {

  private static final long CHECKPOINT_EVERY_MS = 1_000;

  /** How long a poll waits when there is nothing to send meanwhile. */
  private static final Duration WAIT = Duration.ofMillis(50);

  private final ScoreRun.Settings settings;
  private final ResumePoint start;
  private final Clock clock;
  private final long graceMs;
  private final BooleanSupplier stopRequested;
  private final ScoreListener listener;
  private long reportedDone = -1;
  private int reportedInFlight = -1;

  /**
   * @param graceMs how long after its deadline a row's result is waited for
   */
  ScoreLoop(
      ScoreRun.Settings settings,
      ResumePoint start,
      Clock clock,
      long graceMs,
      BooleanSupplier stopRequested,
      ScoreListener listener) {
    this.settings = settings;
    this.start = start;
    this.clock = clock;
    this.graceMs = graceMs;
    this.stopRequested = stopRequested;
    this.listener = listener;
  }

  /**
   * Scores the rows not done yet with {@code client}, reading replies where the journal left off.
   *
   * @throws ScoreRun.StalledException when results stop coming back
   */
  ScoreReport run(RequestReplyClient<ScoreRow> client) throws IOException {
    for (ResumePoint.Awaited awaited : start.awaited) {
      client.await(awaited.row().id(), awaited.giveUpAtMs(), awaited.row());
    }
    try (RowFeed feed = new RowFeed(settings, start.state);
        ScoreOutputs outputs = ScoreOutputs.open(settings, start, feed.columns(), listener)) {
      RowSender sender = new RowSender(client, outputs, clock, settings, graceMs);
      InFlightWindow window =
          InFlightWindow.of(settings.window(), () -> clock.millis() * 1_000_000);
      ResultCollector collector = new ResultCollector(outputs, window);
      outputs.checkpoint(client.positions());
      long started = clock.millis();
      long lastArrival = started;
      long lastCheckpoint = started;
      try {
        while (!stopRequested.getAsBoolean() && !(feed.exhausted() && client.inFlight() == 0)) {
          int room = window.limit() - client.inFlight();
          if (!feed.exhausted() && room > 0) {
            sender.sendNext(feed, room);
          }
          boolean waiting = feed.exhausted() || window.limit() <= client.inFlight();
          int arrived = collector.collect(client.poll(waiting ? WAIT : Duration.ZERO));
          long now = clock.millis();
          if (arrived > 0) {
            lastArrival = now;
          }
          if (now - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
            // Until the backlog of a resumed run is read, its results may be in it: no silence
            // means anything.
            if (client.caughtUp() && client.inFlight() > 0) {
              // A pipeline that answers nothing at all is down, not slow: stop, resumable, rather
              // than refuse
              // every row as timed out.
              if (now - lastArrival > sender.longestDeadlineMs() + graceMs) {
                throw new ScoreRun.StalledException(
                    "no result for "
                        + (now - lastArrival) / 1000
                        + " s with "
                        + client.inFlight()
                        + " requests in flight: is the pipeline running? (./gatestream up, or"
                        + " score --with-pipeline); run the same command again to resume");
              }
              collector.collect(client.expire());
            }
            outputs.checkpoint(client.positions());
            lastCheckpoint = now;
          }
          progress(outputs.done(), client.inFlight());
        }
      } finally {
        client.flush();
        outputs.checkpoint(client.positions());
      }
      boolean complete = feed.exhausted() && client.inFlight() == 0;
      if (complete) {
        outputs.complete();
      }
      progress(outputs.done(), client.inFlight());
      return outputs.report(start.totalRows, (clock.millis() - started) / 1e3, complete);
    }
  }

  /** Tells the listener how far the run is, when that changed. */
  private void progress(long done, int inFlight) {
    if (done != reportedDone || inFlight != reportedInFlight) {
      reportedDone = done;
      reportedInFlight = inFlight;
      listener.on(new ScoreListener.Progress(done, inFlight));
    }
  }
}
