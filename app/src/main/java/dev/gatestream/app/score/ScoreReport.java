package dev.gatestream.app.score;

import java.util.Map;

/**
 * Where each row of a run's input stands once it returns; {@code *Now} count this process's work.
 *
 * @param completeness this process's results by completeness
 * @param complete every row is done: the output is final
 */
public record ScoreReport(
    long total,
    long scored,
    long rejected,
    long scoredNow,
    long rejectedNow,
    double seconds,
    Map<String, Long> completeness,
    boolean complete) {

  public ScoreReport {
    completeness = Map.copyOf(completeness);
  }

  public double rowsPerSecond() {
    return seconds == 0 ? 0 : (scoredNow + rejectedNow) / seconds;
  }
}
