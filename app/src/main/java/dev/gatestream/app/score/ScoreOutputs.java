package dev.gatestream.app.score;

import dev.gatestream.contracts.FusedResult;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What a run writes: each row's result or why it has none, and the journal that says how much of
 * that is committed. A row written after the last checkpoint is cut off again by a resumed run,
 * which gets its result anew from the reply topic: so each row is in the output once.
 */
final class ScoreOutputs implements Closeable {

  private final Journal journal;
  private final ResultWriter results;
  private final RejectWriter rejects;
  private final ScoreListener listener;
  private final List<Long> doneSinceCheckpoint = new ArrayList<>();
  private final Map<String, Long> completeness = new TreeMap<>();
  private long scored;
  private long rejected;
  private long scoredNow;
  private long rejectedNow;

  private ScoreOutputs(
      Journal journal,
      ResultWriter results,
      RejectWriter rejects,
      Journal.State state,
      ScoreListener listener) {
    this.journal = journal;
    this.results = results;
    this.rejects = rejects;
    this.listener = listener;
    this.scored = state.scored;
    this.rejected = state.rejected;
  }

  /**
   * Starts the journal of a new run, or reopens the interrupted run's and cuts output and rejects
   * back to its last checkpoint.
   *
   * @param columns the input's CSV header
   */
  static ScoreOutputs open(
      ScoreRun.Settings settings, ResumePoint start, List<String> columns, ScoreListener listener)
      throws IOException {
    Path journalFile = ScoreRun.journalOf(settings.output());
    Journal.State state = start.state;
    // The journal before the output, so an output never exists without the journal that explains
    // it.
    Journal journal =
        start.resumed ? Journal.reopen(journalFile) : Journal.create(journalFile, state.run);
    ResultWriter results = null;
    try {
      results = new ResultWriter(settings.output(), settings.format(), columns, state.outputLength);
      RejectWriter rejects =
          new RejectWriter(settings.rejects(), settings.format(), state.rejectsLength);
      return new ScoreOutputs(journal, results, rejects, state, listener);
    } catch (IOException | RuntimeException e) {
      if (results != null) {
        results.close();
      }
      journal.close();
      throw e;
    }
  }

  /**
   * Records, before they are produced, that these lines are being sent: they are never sent again.
   */
  void sent(Collection<Long> lines, long giveUpAtMs) throws IOException {
    journal.sent(lines, giveUpAtMs);
  }

  void scored(ScoreRow row, FusedResult result) throws IOException {
    results.write(row, result);
    doneSinceCheckpoint.add(row.line());
    scored++;
    scoredNow++;
    completeness.merge(result.getCompleteness().name(), 1L, Long::sum);
  }

  void rejected(ScoreRow row, String reason) throws IOException {
    rejected(row.line(), reason, row.raw());
  }

  void rejected(long line, String reason, String raw) throws IOException {
    rejects.write(line, reason, raw);
    doneSinceCheckpoint.add(line);
    rejected++;
    rejectedNow++;
    listener.on(new ScoreListener.Rejected(line, reason));
  }

  /**
   * Commits what is written so far, with where reading the replies stands: a resumed run starts
   * here.
   */
  void checkpoint(Map<TopicPartition, Long> positions) throws IOException {
    journal.checkpoint(
        results.flush(), rejects.flush(), positions, doneSinceCheckpoint, scored, rejected);
    doneSinceCheckpoint.clear();
  }

  /** Marks the output final. */
  void complete() throws IOException {
    journal.complete();
  }

  /** Rows scored or refused, by this run and the ones before. */
  long done() {
    return scored + rejected;
  }

  ScoreReport report(long totalRows, double seconds, boolean complete) {
    return new ScoreReport(
        totalRows, scored, rejected, scoredNow, rejectedNow, seconds, completeness, complete);
  }

  @Override
  public void close() throws IOException {
    try (journal;
        results;
        rejects) {
      // closes rejects, results, then the journal that explains them, each even if another fails
    }
  }
}
