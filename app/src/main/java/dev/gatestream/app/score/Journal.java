package dev.gatestream.app.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The progress journal of a scoring run, beside its output: JSON lines, appended only. First the
 * run (id, input fingerprint, reply topic); then, before each batch of requests is produced, the
 * lines sent (write-ahead: a row once sent is never sent again, whatever happens next); and every
 * second a checkpoint: the committed lengths of output and rejects, the reader's positions on the
 * reply and dead-letter topics, and the lines finished since the previous checkpoint. A resumed run
 * cuts the files back to the last checkpoint and reads the topics again from its positions, so each
 * row is written once; a torn last line (a kill in mid-write) is ignored.
 */
final class Journal implements Closeable {

  /** What identifies a run. */
  record Run(String runId, String input, String fingerprint, RowFormat format, String replyTopic) {}

  /** A run as its journal left it. */
  static final class State {
    Run run;
    final BitSet done = new BitSet();

    /** Lines sent and not done, with when to give up waiting for their result. */
    final Map<Long, Long> pending = new HashMap<>();

    long outputLength;
    long rejectsLength;
    final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    long scored;
    long rejected;
    boolean complete;

    boolean isDone(long line) {
      return done.get(Math.toIntExact(line));
    }
  }

  private final BufferedWriter out;

  private Journal(BufferedWriter out) {
    this.out = out;
  }

  /** Starts a new journal (replacing any) with the run's header. */
  static Journal create(Path file, Run run) throws IOException {
    Journal journal = new Journal(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    ObjectNode header = RowReader.JSON.createObjectNode();
    header
        .put("run", run.runId())
        .put("input", run.input())
        .put("fingerprint", run.fingerprint())
        .put("format", run.format().name())
        .put("replyTopic", run.replyTopic());
    journal.append(header);
    return journal;
  }

  /** Appends to an existing journal. */
  static Journal reopen(Path file) throws IOException {
    return new Journal(
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
  }

  /**
   * Reads the journal line by line: a run of millions of rows has a long journal, and only what it
   * adds up to (a bit per line done, the lines still pending) stays in memory.
   */
  static State load(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return load(file, in);
    }
  }

  private static State load(Path file, BufferedReader in) throws IOException {
    State state = new State();
    String text = in.readLine();
    for (int i = 0; text != null; i++) {
      String next = in.readLine();
      JsonNode entry;
      try {
        entry = RowReader.JSON.readTree(text);
      } catch (JsonProcessingException e) {
        if (next == null) {
          break; // torn by a kill in mid-write: that entry never took effect
        }
        throw new IllegalArgumentException(
            "journal "
                + file
                + " is damaged at line "
                + (i + 1)
                + ": use --restart to discard the partial run");
      }
      if (i == 0) {
        state.run =
            new Run(
                entry.path("run").asText(),
                entry.path("input").asText(),
                entry.path("fingerprint").asText(),
                RowFormat.valueOf(entry.path("format").asText()),
                entry.path("replyTopic").asText());
      } else if (entry.has("sent")) {
        long giveUpAt = entry.path("giveUpAtMs").asLong();
        entry.get("sent").forEach(line -> state.pending.put(line.asLong(), giveUpAt));
      } else if (entry.has("checkpoint")) {
        JsonNode checkpoint = entry.get("checkpoint");
        state.outputLength = checkpoint.path("output").asLong();
        state.rejectsLength = checkpoint.path("rejects").asLong();
        state.scored = checkpoint.path("scored").asLong();
        state.rejected = checkpoint.path("rejected").asLong();
        checkpoint
            .path("positions")
            .properties()
            .forEach(
                position ->
                    state.positions.put(
                        partition(position.getKey()), position.getValue().asLong()));
        checkpoint
            .path("done")
            .forEach(
                line -> {
                  state.done.set(Math.toIntExact(line.asLong()));
                  state.pending.remove(line.asLong());
                });
      } else if (entry.has("complete")) {
        state.complete = true;
      }
      text = next;
    }
    if (state.run == null) {
      throw new IllegalArgumentException(
          "journal " + file + " is empty: use --restart to discard the partial run");
    }
    return state;
  }

  /** Records, before they are produced, that these lines are being sent. */
  void sent(Collection<Long> lines, long giveUpAtMs) throws IOException {
    ObjectNode entry = RowReader.JSON.createObjectNode();
    ArrayNode sent = entry.putArray("sent");
    lines.forEach(sent::add);
    entry.put("giveUpAtMs", giveUpAtMs);
    append(entry);
  }

  /**
   * Records what output, rejects and topic positions hold, and which lines got done since the last
   * one.
   */
  void checkpoint(
      long outputLength,
      long rejectsLength,
      Map<TopicPartition, Long> positions,
      Collection<Long> done,
      long scored,
      long rejected)
      throws IOException {
    ObjectNode entry = RowReader.JSON.createObjectNode();
    ObjectNode checkpoint = entry.putObject("checkpoint");
    checkpoint
        .put("output", outputLength)
        .put("rejects", rejectsLength)
        .put("scored", scored)
        .put("rejected", rejected);
    ObjectNode at = checkpoint.putObject("positions");
    positions.forEach((partition, position) -> at.put(partition.toString(), position));
    ArrayNode lines = checkpoint.putArray("done");
    done.forEach(lines::add);
    append(entry);
  }

  /**
   * The partition a checkpoint names as {@code topic-partition} ({@link
   * TopicPartition#toString()}).
   */
  private static TopicPartition partition(String name) {
    int dash = name.lastIndexOf('-');
    return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
  }

  void complete() throws IOException {
    append(RowReader.JSON.createObjectNode().put("complete", true));
  }

  private void append(ObjectNode entry) throws IOException {
    out.write(RowReader.JSON.writeValueAsString(entry));
    out.write('\n');
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
