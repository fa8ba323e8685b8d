package dev.gatestream.app.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a broker failover run found: per killed broker, whether every request of its phase came out
 * once, and how long fused output paused.
 *
 * @param took the whole run, stages' start included
 */
public record FailoverReport(List<Phase> phases, Duration took) {

  public FailoverReport {
    phases = List.copyOf(phases);
  }

  /**
   * One phase: traffic, one broker killed with SIGKILL amid it and started again.
   *
   * @param victim how the killed broker was chosen, e.g. "controller leader"
   * @param node the killed broker's node id
   * @param leaderAfter the controller leader once the broker was back
   * @param pause of fused output, from the kill until the broker was started again
   * @param down from the kill to its restart
   * @param rejoin from its restart until it was back in the cluster
   * @param replayFailure why the phase's traffic stopped early, if it did
   */
  public record Phase(
      String victim,
      int node,
      int leaderAfter,
      int requests,
      int lost,
      int duplicated,
      OutputPause pause,
      Duration down,
      Duration rejoin,
      Optional<String> replayFailure,
      Duration took) {

    public String line() {
      return String.format(
          Locale.ROOT,
          "kill -9 broker %d (%s): %d requests in %.1fs, lost %d, duplicated %d; fused output"
              + " next %s after the kill, longest pause %.1fs in the %.1fs it was down; back in"
              + " %.1fs; controller leader then %d%s",
          node,
          victim,
          requests,
          seconds(took),
          lost,
          duplicated,
          pause
              .firstAfter()
              .map(d -> String.format(Locale.ROOT, "%.2fs", seconds(d)))
              .orElse("never"),
          seconds(pause.longestGap()),
          seconds(down),
          seconds(rejoin),
          leaderAfter,
          replayFailure.map(f -> "; traffic failed: " + f).orElse(""));
    }
  }

  public int requests() {
    return phases.stream().mapToInt(Phase::requests).sum();
  }

  public int lost() {
    return phases.stream().mapToInt(Phase::lost).sum();
  }

  public int duplicated() {
    return phases.stream().mapToInt(Phase::duplicated).sum();
  }

  /** The report, a phase a line, then the totals. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    phases.forEach(phase -> lines.add(phase.line()));
    lines.add(
        String.format(
            Locale.ROOT,
            "total: %d requests, lost %d, duplicated %d, in %.1fs",
            requests(),
            lost(),
            duplicated(),
            seconds(took)));
    return lines;
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
