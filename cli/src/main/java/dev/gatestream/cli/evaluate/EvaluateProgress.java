package dev.gatestream.cli.evaluate;

import dev.gatestream.app.evaluate.EvaluateListener;
import dev.gatestream.app.evaluate.EvaluateReport;
import java.io.PrintWriter;
import java.util.Locale;

/** What an evaluation read, as terminal lines before its estimates. */
public final class EvaluateProgress implements EvaluateListener {

  private final PrintWriter out;

  public EvaluateProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void unreadableSkipped(UnreadableSkipped skipped) {
    out.printf(
        Locale.ROOT,
        "skipped %,d unreadable %s, the first at %s@%d%n",
        skipped.count(),
        skipped.what(),
        skipped.partition(),
        skipped.offset());
    out.flush();
  }

  @Override
  public void decisionsRead(EvaluateReport.Source source) {
    out.printf(
        Locale.ROOT,
        "read %,d decisions from %s%s%n",
        source.decisionRecords(),
        source.decisions(),
        source.feedback() == null
            ? ""
            : String.format(
                Locale.ROOT,
                ", %,d with feedback from %s, results from %s",
                source.withFeedback(),
                source.feedback(),
                source.results()));
    if (source.unreadable() > 0) {
      out.printf(
          Locale.ROOT,
          "skipped %,d unreadable decisions, the first: %s%n",
          source.unreadable(),
          source.firstUnreadable());
    }
    if (source.duplicates() > 0) {
      out.printf(
          Locale.ROOT,
          "skipped %,d repeated decisions of a request id already read%n",
          source.duplicates());
    }
    out.flush();
  }

  @Override
  public void exported(Exported exported) {
    out.printf(
        Locale.ROOT, "exported %,d decisions to %s%n", exported.decisions(), exported.file());
    out.flush();
  }
}
