package dev.gatestream.app.score;

import dev.gatestream.gateway.client.ReplyRoute;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where a run starts: a new run's identity, or the state the journal of the interrupted run writing
 * the same output left, checked against the input; and, from one pass over the input, its row count
 * and the rows that run sent but did not write, whose results are waited for rather than asked for
 * again.
 */
final class ResumePoint {

  /** A row sent by an earlier run, and when to give up waiting for its result. */
  record Awaited(ScoreRow row, long giveUpAtMs) {}

  final Journal.State state;
  final boolean resumed;
  final long totalRows;
  final List<Awaited> awaited;

  private ResumePoint(Journal.State state, boolean resumed, long totalRows, List<Awaited> awaited) {
    this.state = state;
    this.resumed = resumed;
    this.totalRows = totalRows;
    this.awaited = List.copyOf(awaited);
  }

  /**
   * Where the run reads its replies: its own reply topic from the start, and the dead letters from
   * their end, or both from where the journal's last checkpoint left them.
   */
  ReplyRoute replies() {
    return ReplyRoute.to(state.run.replyTopic())
        .readFromBeginning()
        .withDeadLetters()
        .resumingAt(state.positions);
  }

  /**
   * @throws IllegalArgumentException for an input or output that cannot be used, in one line
   */
  static ResumePoint of(ScoreRun.Settings settings, Topics topics, Clock clock) throws IOException {
    Path input = settings.input();
    if (!Files.isRegularFile(input)) {
      throw new IllegalArgumentException("no such input file: " + input);
    }
    if (Files.exists(settings.output()) && Files.isSameFile(input, settings.output())) {
      throw new IllegalArgumentException("the output must not be the input: " + input);
    }
    Path journalFile = ScoreRun.journalOf(settings.output());
    String fingerprint = fingerprint(input);
    boolean resumed = Files.isRegularFile(journalFile);
    Journal.State state;
    if (resumed) {
      state = Journal.load(journalFile);
      if (!state.run.fingerprint().equals(fingerprint)) {
        throw new IllegalArgumentException(
            input
                + " is not the input the partial run in "
                + journalFile
                + " was scoring ("
                + state.run.input()
                + ", changed since?): use --restart to discard that run");
      }
      if (state.run.format() != settings.format()) {
        throw new IllegalArgumentException(
            "the partial run in "
                + journalFile
                + " reads "
                + state.run.format()
                + ", not "
                + settings.format()
                + ": use the same --format, or --restart");
      }
    } else {
      for (Path existing : List.of(settings.output(), settings.rejects())) {
        if (Files.exists(existing)) {
          throw new IllegalArgumentException(
              existing
                  + " exists and no journal "
                  + journalFile
                  + " says which"
                  + " run wrote it: remove it or choose another output");
        }
      }
      state = new Journal.State();
      String runId =
          Long.toString(clock.millis(), 36)
              + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
      state.run =
          new Journal.Run(
              runId,
              input.toAbsolutePath().toString(),
              fingerprint,
              settings.format(),
              topics.scoreReplies(runId).name());
    }

    // One pass: count the rows and read again those sent before the interruption.
    long rows = 0;
    List<Awaited> awaited = new ArrayList<>();
    // Duplicates need not be found here: a duplicate row is refused, never sent, so never awaited.
    RowValidator validator = new RowValidator(state.run.runId(), id -> true);
    try (RowReader reader = RowReader.open(input, settings.format())) {
      for (InputRow row = reader.next(); row != null; row = reader.next()) {
        rows++;
        try {
          ScoreRow valid = validator.validate(row);
          Long giveUpAt = state.pending.get(row.line());
          if (giveUpAt != null) {
            awaited.add(new Awaited(valid, giveUpAt));
          }
        } catch (InvalidRowException e) {
          // counted; refused when its turn comes
        }
      }
    }
    return new ResumePoint(state, resumed, rows, awaited);
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
