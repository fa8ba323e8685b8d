package dev.gatestream.app.score;

/**
 * Told what a {@link ScoreRun} does as it does it, on the scoring thread: must be quick, and may
 * call {@link ScoreRun#stop()}.
 */
@FunctionalInterface
public interface ScoreListener {

  /** What happened. */
  sealed interface Event permits Progress, Rejected {}

  /**
   * How far the run is.
   *
   * @param done rows scored or refused, by this run and the earlier ones it resumes
   * @param inFlight requests sent whose outcome is not in yet
   */
  record Progress(long done, int inFlight) implements Event {}

  /** A row was refused, and written to the rejects with its line and the reason. */
  record Rejected(long line, String reason) implements Event {}

  void on(Event event);
}
