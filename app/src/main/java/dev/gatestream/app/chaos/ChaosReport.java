package dev.gatestream.app.chaos;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a chaos run found: the checks over every request sent (lost, duplicated, answered by its
 * experts yet PARTIAL or TIMEOUT, learning), and how long each killed stage took to process again.
 *
 * @param replayFailure why the traffic stopped early, if it did
 */
public record ChaosReport(
    int requests,
    int lost,
    int duplicated,
    List<String> answeredButIncomplete,
    Map<String, Integer> completeness,
    long feedbackSent,
    long examplesLearned,
    long deadLetters,
    List<Recovery> recoveries,
    Optional<String> replayFailure,
    Duration took) {

  /**
   * One kill -9 and restart.
   *
   * @param ready when the restarted process said its stage runs
   * @param processing when its first output after the restart was seen; empty if it never was
   */
  public record Recovery(
      String stage,
      Instant killed,
      Instant restarted,
      Instant ready,
      Optional<Instant> processing) {

    /** From the restart to the first output: what the 15 s target is about. */
    public Optional<Duration> sinceRestart() {
      return processing.map(at -> Duration.between(restarted, at));
    }

    /** From the kill to the first output: what callers waited. */
    public Optional<Duration> outage() {
      return processing.map(at -> Duration.between(killed, at));
    }

    public Duration startup() {
      return Duration.between(restarted, ready);
    }
  }

  /** Nothing lost, duplicated or wrongly incomplete, learning complete, every stage back. */
  public boolean passed() {
    return replayFailure.isEmpty()
        && lost == 0
        && duplicated == 0
        && answeredButIncomplete.isEmpty()
        && examplesLearned == feedbackSent
        && recoveries.stream().allMatch(r -> r.processing().isPresent());
  }

  /** The report, one finding a line. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "requests %d in %ds: lost %d, duplicated %d, answered by their experts yet"
                + " PARTIAL/TIMEOUT %d",
            requests,
            took.toSeconds(),
            lost,
            duplicated,
            answeredButIncomplete.size()));
    lines.add("fused results by completeness: " + completeness + "; dead letters " + deadLetters);
    lines.add(
        "learning: "
            + examplesLearned
            + " examples learned of "
            + feedbackSent
            + " feedback records sent"
            + (examplesLearned == feedbackSent ? " (none lost, none twice)" : " (MISMATCH)"));
    for (Recovery recovery : recoveries) {
      lines.add(
          String.format(
              Locale.ROOT,
              "kill -9 %-22s restarted after %.1fs, stage up in %.1fs, processing again %s",
              recovery.stage(),
              seconds(Duration.between(recovery.killed(), recovery.restarted())),
              seconds(recovery.startup()),
              recovery
                  .sinceRestart()
                  .map(
                      d ->
                          String.format(
                              Locale.ROOT,
                              "%.1fs after its restart (outage %.1fs)",
                              seconds(d),
                              seconds(recovery.outage().orElseThrow())))
                  .orElse("NEVER")));
    }
    replayFailure.ifPresent(failure -> lines.add("traffic stopped early: " + failure));
    if (!answeredButIncomplete.isEmpty()) {
      lines.add(
          "answered yet incomplete, e.g.: "
              + answeredButIncomplete.subList(0, Math.min(5, answeredButIncomplete.size())));
    }
    lines.add(passed() ? "chaos run PASSED" : "chaos run FAILED");
    return lines;
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
