package dev.gatestream.app.score;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.gateway.client.RequestReplyClient;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch-scoring run: pushes the rows of a file through the deployed pipeline as fast as it
 * takes them (a window of requests in flight sized from its throughput) and writes each row's fused
 * result, or why it has none, exactly once, resuming an interrupted run from its journal.
 *
 * <p>Results come back on a reply topic of the run's own ({@link Topics#scoreReplies}, set as each
 * request's replyTo, which fusion honours), made when the run starts and deleted when it completes:
 * the run reads only its results, however busy the shared fused-results topic is, and a resumed run
 * re-reads the results it missed from the offset its journal recorded, with no consumer group whose
 * committed offsets could disagree with the output. The dead-letter topic is read too, for the rows
 * the router or fusion refused.
 *
 * <p>The parts: {@link ResumePoint} (where a run starts), {@link RowFeed} (reading rows), {@link
 * RowSender} (sending), {@link ResultCollector} (collecting results), {@link ScoreOutputs} (writing
 * outputs and the {@link Journal}), {@link ScoreLoop} (the loop).
 */
public final class ScoreRun {

  /**
   * @param rejects where refused rows go
   * @param window most requests in flight; 0 = sized from the pipeline's throughput ({@link
   *     InFlightWindow})
   * @param deadlineMs each request's deadline from sending, unless its row has its own
   * @param graceMs how long after its deadline a row may still get a result (fusion's grace)
   */
  public record Settings(
      Path input,
      Path output,
      Path rejects,
      RowFormat format,
      int window,
      long deadlineMs,
      long graceMs) {}

  /**
   * A row's result did not come back in time and the pipeline has gone quiet: probably not running.
   */
  public static final class StalledException extends KafkaException {
    StalledException(String message) {
      super(message);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ScoreRun.class);

  /** Time for fusion's commit and the hop to the reply topic after the grace. */
  private static final long MARGIN_MS = 2_000;

  private static final Map<String, Object> PRODUCER_TUNING =
      Map.of(
          ProducerConfig.LINGER_MS_CONFIG,
          5,
          ProducerConfig.BATCH_SIZE_CONFIG,
          128 * 1024,
          ProducerConfig.COMPRESSION_TYPE_CONFIG,
          "lz4");
  private static final Map<String, Object> CONSUMER_TUNING =
      Map.of(
          ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
          20,
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
          5_000);

  private final Settings settings;
  private final Topics topics;
  private final ResumePoint start;
  private final Clock clock;
  private volatile boolean stopRequested;

  private ScoreRun(Settings settings, Topics topics, ResumePoint start, Clock clock) {
    this.settings = settings;
    this.topics = topics;
    this.start = start;
    this.clock = clock;
  }

  /** The journal of the run writing {@code output}. */
  public static Path journalOf(Path output) {
    return output.resolveSibling(output.getFileName() + ".progress");
  }

  /** The default rejects file of {@code output}. */
  public static Path rejectsOf(Path output) {
    return output.resolveSibling(output.getFileName() + ".rejects");
  }

  /** The reply topic of the partial run {@code --restart} would discard, if there is one. */
  public static String partialRunReplyTopic(Path output) throws IOException {
    Path journal = journalOf(output);
    if (!Files.isRegularFile(journal)) {
      return null;
    }
    try {
      return Journal.load(journal).run.replyTopic();
    } catch (IllegalArgumentException e) {
      return null; // damaged: nothing to clean up that we could name
    }
  }

  /** Deletes output, rejects and journal of an earlier run. */
  public static void discard(Settings settings) throws IOException {
    Files.deleteIfExists(settings.output());
    Files.deleteIfExists(settings.rejects());
    Files.deleteIfExists(journalOf(settings.output()));
  }

  /**
   * Starts a run, or takes up the interrupted run writing the same output: checks the input is the
   * one it was scoring, and reads the rows that were sent but not written, to wait for their
   * results. Counts the input's rows, for the progress and its ETA. Writes nothing.
   *
   * @param clock of deadlines, give-up times and checkpoints
   * @throws IllegalArgumentException for an input or output that cannot be used, in one line
   */
  public static ScoreRun open(Settings settings, Topics topics, Clock clock) throws IOException {
    return new ScoreRun(settings, topics, ResumePoint.of(settings, topics, clock), clock);
  }

  public String runId() {
    return start.state.run.runId();
  }

  public String replyTopic() {
    return start.state.run.replyTopic();
  }

  public boolean resumed() {
    return start.resumed;
  }

  /** The journal says this output is complete: nothing left to do. */
  public boolean complete() {
    return start.state.complete;
  }

  public long totalRows() {
    return start.totalRows;
  }

  /** Rows an earlier, interrupted run finished. */
  public long doneBefore() {
    return start.state.scored + start.state.rejected;
  }

  /** Rows an earlier run sent whose results it had not written: waited for, never sent again. */
  public int awaitedFromBefore() {
    return start.awaited.size();
  }

  /**
   * Asks the run to stop soon: what it sent stays recorded, a later run takes it up. Any thread.
   */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Makes the run's reply topic, scores the rows not done yet, and deletes the reply topic once
   * every row is done; returns at the end of the input, or on {@link #stop()}.
   *
   * @param serdes of requests and results; stays the caller's to close
   * @param adminTimeout how long making and deleting the reply topic may take
   * @throws StalledException when results stop coming back
   */
  public ScoreReport execute(
      KafkaClients clients, GatestreamSerdes serdes, Duration adminTimeout, ScoreListener listener)
      throws IOException {
    String clientId = clients.ids().job("score", runId());
    try (Admin admin = clients.admin(clientId + "-admin")) {
      new TopicApplier(admin, adminTimeout).apply(List.of(topics.scoreReplies(runId())));
    }
    long graceMs = settings.graceMs() + MARGIN_MS;
    // Positions are the journal's, not a consumer group's: they must match the output's committed
    // length.
    RequestReplyClient.Settings client =
        new RequestReplyClient.Settings(
            clientId,
            start.replies(),
            InFlightWindow.of(settings.window(), System::nanoTime).ceiling(),
            Duration.ofMillis(graceMs),
            PRODUCER_TUNING,
            CONSUMER_TUNING);
    ScoreReport report;
    try (RequestReplyClient<ScoreRow> requests =
        RequestReplyClient.open(clients, serdes, topics, client, clock)) {
      report =
          new ScoreLoop(settings, start, clock, graceMs, () -> stopRequested, listener)
              .run(requests);
    }
    if (report.complete()) {
      deleteReplyTopic(clients, clientId, adminTimeout);
    }
    return report;
  }

  /** A completed run's results are all in its output. */
  private void deleteReplyTopic(KafkaClients clients, String clientId, Duration timeout) {
    try (Admin admin = clients.admin(clientId + "-admin")) {
      admin
          .deleteTopics(List.of(replyTopic()))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      LOG.warn(
          "cannot delete the reply topic {} of the completed run: {}",
          replyTopic(),
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
