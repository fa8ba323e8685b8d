package dev.gatestream.cli.score;

import dev.gatestream.app.score.ScoreListener;
import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress of a run, with rate, ETA and the rows refused so far: a bar redrawn in place on a
 * terminal; elsewhere (output piped, CI) one plain line every {@link #PLAIN_EVERY}, so logs are not
 * flooded.
 */
public final class ScoreProgress implements ScoreListener, AutoCloseable {

  static final Duration PLAIN_EVERY = Duration.ofSeconds(10);

  private final ProgressBar bar;
  private String lastPlainLine;
  private long rejected;

  /**
   * @param total rows in the input
   * @param doneBefore rows an earlier run finished: the rate and ETA count only this run's
   * @param plain where plain lines go when there is no terminal
   */
  public ScoreProgress(long total, long doneBefore, PrintWriter plain) {
    ProgressBarBuilder builder =
        new ProgressBarBuilder()
            .setTaskName("scoring")
            .setInitialMax(total)
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" rows", 1)
            .showSpeed()
            .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
            .startsFrom(doneBefore, Duration.ZERO);
    if (interactive()) {
      builder.setUpdateIntervalMillis(500);
    } else {
      builder
          .setUpdateIntervalMillis((int) PLAIN_EVERY.toMillis())
          .setConsumer(
              new DelegatingProgressBarConsumer(
                  line -> {
                    // The bar renders once more when closed: the same line twice says nothing new.
                    if (!line.equals(lastPlainLine)) {
                      lastPlainLine = line;
                      plain.println(line.strip());
                      plain.flush();
                    }
                  }));
    }
    bar = builder.build();
  }

  /**
   * A terminal on both ends and not CI: the only case where redrawing a line in place shows as
   * such.
   */
  static boolean interactive() {
    String ci = System.getenv("CI");
    return System.console() != null && (ci == null || ci.isBlank() || ci.equalsIgnoreCase("false"));
  }

  @Override
  public void on(Event event) {
    if (event instanceof Progress progress) {
      bar.stepTo(progress.done());
    } else if (event instanceof Rejected) {
      rejected++;
      bar.setExtraMessage(rejected + " rejected");
    }
  }

  @Override
  public void close() {
    bar.close();
  }
}
