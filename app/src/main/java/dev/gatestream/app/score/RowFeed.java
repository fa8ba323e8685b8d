package dev.gatestream.app.score;

import dev.gatestream.app.WorkDirectory;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The input's rows in order, each to send, to refuse, or to skip: done by an earlier run, or sent
 * by it and awaited. Every row is validated, done or not, so that duplicate ids are found the same
 * way on every resume.
 */
final class RowFeed implements Closeable {

  private final RowReader reader;
  private final SeenIds seen;
  private final RowValidator validator;
  private final Journal.State state;
  private boolean exhausted;

  RowFeed(ScoreRun.Settings settings, Journal.State state) throws IOException {
    this.reader = RowReader.open(settings.input(), settings.format());
    try {
      this.seen = SeenIds.open(WorkDirectory.systemTemp());
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
    this.validator = new RowValidator(state.run.runId(), seen::add);
    this.state = state;
  }

  /** CSV: the header's column names; JSON Lines: none. */
  List<String> columns() {
    return reader.columns();
  }

  /** Whether every row has been handed out. */
  boolean exhausted() {
    return exhausted;
  }

  /**
   * Up to {@code max} rows to send; the invalid rows met on the way, not done before, go to the
   * rejects.
   */
  List<ScoreRow> next(int max, ScoreOutputs outputs) throws IOException {
    List<ScoreRow> rows = new ArrayList<>();
    while (rows.size() < max) {
      InputRow row = reader.next();
      if (row == null) {
        exhausted = true;
        break;
      }
      boolean skip = state.isDone(row.line()) || state.pending.containsKey(row.line());
      ScoreRow valid;
      try {
        valid = validator.validate(row);
      } catch (InvalidRowException e) {
        if (!skip) {
          outputs.rejected(row.line(), e.getMessage(), row.raw());
        }
        continue;
      }
      if (!skip) {
        rows.add(valid);
      }
    }
    return rows;
  }

  @Override
  public void close() throws IOException {
    try (reader) {
      seen.close();
    }
  }
}
