package dev.gatestream.app.score;

import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One batch-scoring run: pushes the rows of a file through the deployed pipeline as fast as it takes
 * them (a bounded window of requests in flight) and writes each row's fused result, or why it has none,
 * exactly once, resuming an interrupted run from its journal.
 *
 * <p>Results come back on a reply topic of the run's own ({@link Topics#scoreReplies}, set as each
 * request's replyTo, which fusion honours): the run reads only its results, however busy the
 * shared fused-results topic is, and a resumed run re-reads the results it missed from the offset its
 * journal recorded, with no consumer group whose committed offsets could disagree with the output.
 * The dead-letter topic is read too, for the rows the router or fusion refused.
 */
public final class ScoreRun {

  /**
   * @param rejects where refused rows go
   * @param deadlineMs each request's deadline from sending, unless its row has its own
   * @param graceMs how long after its deadline a row may still get a result (fusion's grace)
   */
  public record Settings(Path input, Path output, Path rejects, RowFormat format, int window, long deadlineMs,
      long graceMs) {}

  /** Where each scored or refused row stands; {@code *Now} count this process's work. */
  public record Summary(long total, long scored, long rejected, long scoredNow, long rejectedNow, double seconds,
      Map<String, Long> completeness, boolean complete) {

    public double rowsPerSecond() {
      return seconds == 0 ? 0 : (scoredNow + rejectedNow) / seconds;
    }
  }

  /** Told how many rows are done (scored or refused) and in flight, from the scoring thread; must be quick. */
  public interface Progress {
    void done(long rows, int inFlight);
  }

  /** A row's result did not come back in time and the pipeline has gone quiet: probably not running. */
  public static final class StalledException extends KafkaException {
    StalledException(String message) {
      super(message);
    }
  }

  /** Time for fusion's commit and the hop to the reply topic after the grace. */
  private static final long MARGIN_MS = 2_000;
  private static final long CHECKPOINT_EVERY_MS = 1_000;
  private static final int SEND_BATCH = 500;

  private final Settings settings;
  private final Topics topics;
  private final Path journalFile;
  private final Journal.State state;
  private final boolean resumed;
  private final long totalRows;
  private final Map<String, InFlight> preloaded;
  private volatile boolean stopRequested;

  private record InFlight(ScoreRow row, long giveUpAtMs) {}

  private ScoreRun(Settings settings, Topics topics, Journal.State state, boolean resumed, long totalRows,
      Map<String, InFlight> preloaded) {
    this.settings = settings;
    this.topics = topics;
    this.journalFile = journalOf(settings.output());
    this.state = state;
    this.resumed = resumed;
    this.totalRows = totalRows;
    this.preloaded = preloaded;
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
   * Starts a run, or takes up the interrupted run writing the same output: checks the input is the one
   * it was scoring, and reads the rows that were sent but not written, to wait for their results.
   * Counts the input's rows, for the progress and its ETA.
   *
   * @throws IllegalArgumentException for an input or output that cannot be used, in one line
   */
  public static ScoreRun open(Settings settings, Topics topics) throws IOException {
    Path input = settings.input();
    if (!Files.isRegularFile(input)) {
      throw new IllegalArgumentException("no such input file: " + input);
    }
    if (Files.exists(settings.output()) && Files.isSameFile(input, settings.output())) {
      throw new IllegalArgumentException("the output must not be the input: " + input);
    }
    Path journalFile = journalOf(settings.output());
    String fingerprint = fingerprint(input);
    Journal.State state;
    boolean resumed = Files.isRegularFile(journalFile);
    if (resumed) {
      state = Journal.load(journalFile);
      if (!state.run.fingerprint().equals(fingerprint)) {
        throw new IllegalArgumentException(input + " is not the input the partial run in " + journalFile
            + " was scoring (" + state.run.input() + ", changed since?): use --restart to discard that run");
      }
      if (state.run.format() != settings.format()) {
        throw new IllegalArgumentException("the partial run in " + journalFile + " reads " + state.run.format()
            + ", not " + settings.format() + ": use the same --format, or --restart");
      }
    } else {
      for (Path existing : List.of(settings.output(), settings.rejects())) {
        if (Files.exists(existing)) {
          throw new IllegalArgumentException(existing + " exists and no journal " + journalFile + " says which"
              + " run wrote it: remove it or choose another output");
        }
      }
      state = new Journal.State();
      String runId = Long.toString(System.currentTimeMillis(), 36)
          + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
      state.run = new Journal.Run(runId, input.toAbsolutePath().toString(), fingerprint, settings.format(),
          topics.scoreReplies(runId).name());
    }

    // One pass: count the rows and read again those sent before the interruption.
    long rows = 0;
    Map<String, InFlight> preloaded = new HashMap<>();
    RowValidator validator = new RowValidator(state.run.runId());
    try (RowReader reader = RowReader.open(input, settings.format())) {
      for (InputRow row = reader.next(); row != null; row = reader.next()) {
        rows++;
        try {
          ScoreRow valid = validator.validate(row);
          Long giveUpAt = state.pending.get(row.line());
          if (giveUpAt != null) {
            preloaded.put(valid.id(), new InFlight(valid, giveUpAt));
          }
        } catch (InvalidRowException e) {
          // counted; refused when its turn comes
        }
      }
    }
    return new ScoreRun(settings, topics, state, resumed, rows, preloaded);
  }

  public String runId() {
    return state.run.runId();
  }

  public String replyTopic() {
    return state.run.replyTopic();
  }

  public boolean resumed() {
    return resumed;
  }

  /** The journal says this output is complete: nothing left to do. */
  public boolean complete() {
    return state.complete;
  }

  public long totalRows() {
    return totalRows;
  }

  /** Rows an earlier, interrupted run finished. */
  public long doneBefore() {
    return state.scored + state.rejected;
  }

  /** Rows an earlier run sent whose results it had not written: waited for, never sent again. */
  public int awaitedFromBefore() {
    return preloaded.size();
  }

  /** Asks the run to stop soon: what it sent stays recorded, a later run takes it up. Any thread. */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Scores the rows not done yet; returns at the end of the input, or on {@link #stop()}.
   *
   * @throws StalledException when results stop coming back
   */
  public Summary execute(String bootstrapServers, GatestreamSerdes serdes, Progress progress) throws IOException {
    return new Execution(bootstrapServers, serdes, progress).run();
  }

  private final class Execution {
    private final String bootstrapServers;
    private final GatestreamSerdes serdes;
    private final Progress progress;
    private final Map<String, InFlight> inFlight = new HashMap<>(preloaded);
    private final ConcurrentLinkedQueue<Map.Entry<String, String>> sendFailures = new ConcurrentLinkedQueue<>();
    private final List<Long> doneSinceCheckpoint = new ArrayList<>();
    private final Map<String, Long> completeness = new TreeMap<>();
    private final long graceMs = settings.graceMs() + MARGIN_MS;
    private final String requestsTopic = topics.requests().name();
    private final String deadLettersTopic = topics.deadLetters().name();
    /** Dead letters that mean "no result will come": the router's, and fusion's of a decision. */
    private final Set<String> terminalDeadLetterSources = Set.of(requestsTopic, topics.decisions().name());
    /** The longest deadline of any request in flight: how long the pipeline may stay silent. */
    private long longestDeadlineMs = settings.deadlineMs();
    private long scored = state.scored;
    private long rejected = state.rejected;
    private long scoredNow;
    private long rejectedNow;
    private ResultWriter results;
    private RejectWriter rejects;
    private Journal journal;
    private KafkaConsumer<String, byte[]> consumer;
    private Deserializer<FusedResult> fusedResults;

    Execution(String bootstrapServers, GatestreamSerdes serdes, Progress progress) {
      this.bootstrapServers = bootstrapServers;
      this.serdes = serdes;
      this.progress = progress;
    }

    Summary run() throws IOException {
      RowValidator validator = new RowValidator(state.run.runId());
      fusedResults = serdes.valueSerde(topics.fusedResults()).deserializer();
      // The journal before the output, so an output never exists without the journal that explains it.
      try (Journal openJournal = resumed ? Journal.reopen(journalFile) : Journal.create(journalFile, state.run);
           RowReader reader = RowReader.open(settings.input(), settings.format());
           ResultWriter resultWriter = new ResultWriter(settings.output(), settings.format(), reader.columns(),
               state.outputLength);
           RejectWriter rejectWriter = new RejectWriter(settings.rejects(), settings.format(), state.rejectsLength);
           KafkaProducer<String, InferenceRequest> producer = openProducer();
           KafkaConsumer<String, byte[]> resultReader = openResultReader()) {
        journal = openJournal;
        results = resultWriter;
        rejects = rejectWriter;
        consumer = resultReader;
        Map<TopicPartition, Long> catchUpTo = consumer.endOffsets(consumer.assignment());
        checkpoint();
        long started = System.nanoTime();
        long lastArrival = System.currentTimeMillis();
        long lastCheckpoint = lastArrival;
        boolean inputDone = false;
        boolean caughtUp = false;
        try {
          while (!stopRequested && !(inputDone && inFlight.isEmpty())) {
            if (!inputDone && inFlight.size() < settings.window()) {
              inputDone = send(reader, validator, producer);
            }
            boolean waiting = inputDone || inFlight.size() >= settings.window();
            int arrived = receive(consumer.poll(waiting ? Duration.ofMillis(50) : Duration.ZERO));
            failSends();
            long now = System.currentTimeMillis();
            if (arrived > 0) {
              lastArrival = now;
            }
            if (!caughtUp) {
              caughtUp = catchUpTo.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
            }
            if (caughtUp && !inFlight.isEmpty() && now - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
              // A pipeline that answers nothing at all is down, not slow: stop, resumable, rather than
              // refuse every row as timed out.
              if (now - lastArrival > longestDeadlineMs + graceMs) {
                throw new StalledException("no result for " + (now - lastArrival) / 1000 + " s with " + inFlight.size()
                    + " requests in flight: is the pipeline running? (./gatestream up, or score --with-pipeline);"
                    + " run the same command again to resume");
              }
              expire(now);
            }
            if (now - lastCheckpoint >= CHECKPOINT_EVERY_MS) {
              checkpoint();
              lastCheckpoint = now;
            }
            progress.done(scored + rejected, inFlight.size());
          }
        } finally {
          producer.flush();
          checkpoint();
        }
        boolean complete = inputDone && inFlight.isEmpty();
        if (complete) {
          journal.complete();
        }
        progress.done(scored + rejected, inFlight.size());
        return new Summary(totalRows, scored, rejected, scoredNow, rejectedNow,
            (System.nanoTime() - started) / 1e9, completeness, complete);
      }
    }

    /** Reads rows up to the window, refuses the invalid ones, sends the rest; true at the end of the input. */
    private boolean send(RowReader reader, RowValidator validator, KafkaProducer<String, InferenceRequest> producer)
        throws IOException {
      List<ScoreRow> batch = new ArrayList<>();
      boolean end = false;
      while (batch.size() < SEND_BATCH && inFlight.size() + batch.size() < settings.window()) {
        InputRow row = reader.next();
        if (row == null) {
          end = true;
          break;
        }
        boolean skip = state.isDone(row.line()) || state.pending.containsKey(row.line());
        ScoreRow valid;
        try {
          // Every row is validated, done or not, so duplicate ids are found the same way on every resume.
          valid = validator.validate(row);
        } catch (InvalidRowException e) {
          if (!skip) {
            reject(row.line(), e.getMessage(), row.raw());
          }
          continue;
        }
        if (!skip) {
          batch.add(valid);
        }
      }
      if (batch.isEmpty()) {
        return end;
      }
      long now = System.currentTimeMillis();
      long latestDeadline = batch.stream()
          .mapToLong(row -> row.deadlineMs() != null ? row.deadlineMs() : settings.deadlineMs()).max().orElseThrow();
      longestDeadlineMs = Math.max(longestDeadlineMs, latestDeadline);
      // Write-ahead: once recorded as sent, a row is never sent again, even if this process dies mid-batch.
      journal.sent(batch.stream().map(ScoreRow::line).toList(), now + latestDeadline + graceMs);
      for (ScoreRow row : batch) {
        InferenceRequest request = row.toRequest(now, settings.deadlineMs(), state.run.replyTopic());
        inFlight.put(row.id(), new InFlight(row, request.getDeadlineMs() + graceMs));
        try {
          producer.send(new ProducerRecord<>(requestsTopic, row.id(), request), (metadata, error) -> {
            if (error != null) {
              sendFailures.add(Map.entry(row.id(), String.valueOf(error.getMessage())));
            }
          });
        } catch (KafkaException e) {
          inFlight.remove(row.id());
          reject(row.line(), "cannot produce the request: " + e.getMessage(), row.raw());
        }
      }
      return end;
    }

    private int receive(Iterable<ConsumerRecord<String, byte[]>> records) throws IOException {
      int arrived = 0;
      for (ConsumerRecord<String, byte[]> record : records) {
        boolean deadLetter = record.topic().equals(deadLettersTopic);
        if (deadLetter && !terminalDeadLetterSources.contains(header(record, GatestreamHeaders.DLQ_SOURCE_TOPIC))) {
          continue; // e.g. an unreadable expert result: fusion still emits at the deadline
        }
        InFlight waiting = record.key() == null ? null : inFlight.remove(record.key());
        if (waiting == null) {
          continue; // not ours, or already done
        }
        arrived++;
        ScoreRow row = waiting.row();
        if (deadLetter) {
          reject(row.line(), "refused by the " + header(record, GatestreamHeaders.DLQ_STAGE) + ": "
              + header(record, GatestreamHeaders.DLQ_REASON), row.raw());
          continue;
        }
        FusedResult result;
        try {
          result = fusedResults.deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
          reject(row.line(), "cannot read its fused result: " + e.getMessage(), row.raw());
          continue;
        }
        results.write(row, result);
        doneSinceCheckpoint.add(row.line());
        scored++;
        scoredNow++;
        completeness.merge(result.getCompleteness().name(), 1L, Long::sum);
      }
      return arrived;
    }

    private void failSends() throws IOException {
      for (Map.Entry<String, String> failure = sendFailures.poll(); failure != null; failure = sendFailures.poll()) {
        InFlight failed = inFlight.remove(failure.getKey());
        if (failed != null) {
          reject(failed.row().line(), "cannot produce the request: " + failure.getValue(), failed.row().raw());
        }
      }
    }

    private void expire(long now) throws IOException {
      List<InFlight> expired = inFlight.values().stream().filter(waiting -> waiting.giveUpAtMs() < now).toList();
      for (InFlight waiting : expired) {
        inFlight.remove(waiting.row().id());
        reject(waiting.row().line(), "no fused result by the deadline + fusion grace", waiting.row().raw());
      }
    }

    private void reject(long line, String reason, String raw) throws IOException {
      rejects.write(line, reason, raw);
      doneSinceCheckpoint.add(line);
      rejected++;
      rejectedNow++;
    }

    private void checkpoint() throws IOException {
      Map<String, Long> positions = new LinkedHashMap<>();
      for (TopicPartition partition : consumer.assignment()) {
        positions.put(key(partition), consumer.position(partition));
      }
      journal.checkpoint(results.flush(), rejects.flush(), positions, doneSinceCheckpoint, scored, rejected);
      doneSinceCheckpoint.clear();
    }

    private KafkaProducer<String, InferenceRequest> openProducer() {
      Properties props = new Properties();
      props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(ProducerConfig.CLIENT_ID_CONFIG, "gatestream-score-" + state.run.runId());
      // Idempotent: a retried batch is written once, so no request reaches the router twice.
      props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      props.put(ProducerConfig.ACKS_CONFIG, "all");
      props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
      props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      return new KafkaProducer<>(props, new StringSerializer(), serdes.valueSerde(topics.requests()).serializer());
    }

    private KafkaConsumer<String, byte[]> openResultReader() {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gatestream-score-" + state.run.runId());
      // Fusion writes in transactions: only committed results, each once.
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
      props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
      KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
          new ByteArrayDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      partitions.add(new TopicPartition(state.run.replyTopic(), 0));
      for (PartitionInfo info : consumer.partitionsFor(deadLettersTopic)) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      // Positions are the journal's, not a consumer group's: they must match the output's committed length.
      consumer.assign(partitions);
      for (TopicPartition partition : partitions) {
        Long position = state.positions.get(key(partition));
        if (position != null) {
          consumer.seek(partition, position);
        } else if (partition.topic().equals(deadLettersTopic)) {
          consumer.seekToEnd(List.of(partition)); // dead letters of ours come only after this
        } else {
          consumer.seekToBeginning(List.of(partition));
        }
        consumer.position(partition);
      }
      return consumer;
    }
  }

  private static String key(TopicPartition partition) {
    return partition.topic() + "-" + partition.partition();
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** SHA-256 of the file's bytes: a resumed run must read exactly what the first one did. */
  static String fingerprint(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }
}
