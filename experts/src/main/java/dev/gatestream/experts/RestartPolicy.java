package dev.gatestream.experts;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;

/**
 * How a failed expert worker is restarted: after a backoff that starts at {@code backoff} and
 * doubles with each failure in the window, up to {@code maxBackoff}; and at most {@code
 * maxRestarts} times within any {@code window}, the failure after that is for good.
 */
public record RestartPolicy(
    int maxRestarts, Duration window, Duration backoff, Duration maxBackoff) {

  public static RestartPolicy from(GatestreamConfig config) {
    return new RestartPolicy(
        config.getInt(GatestreamConfig.EXPERT_RESTART_MAX),
        Duration.ofMillis(config.getLong(GatestreamConfig.EXPERT_RESTART_WINDOW_MS)),
        Duration.ofMillis(config.getLong(GatestreamConfig.EXPERT_RESTART_BACKOFF_MS)),
        Duration.ofMillis(config.getLong(GatestreamConfig.EXPERT_RESTART_BACKOFF_MAX_MS)));
  }

  /** The wait before the restart that follows the {@code failures}-th failure in the window. */
  Duration backoffAfter(int failures) {
    long millis = backoff.toMillis();
    for (int i = 1; i < failures && millis < maxBackoff.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
