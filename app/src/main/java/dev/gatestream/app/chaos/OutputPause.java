package dev.gatestream.app.chaos;

import java.time.Duration;
import java.util.NavigableSet;
import java.util.Optional;

/**
 * How long output paused after a fault, from the moments output was seen.
 *
 * @param firstAfter from the fault to the first output after it; empty if none came
 * @param longestGap the longest stretch without output from the fault to {@code until} (the end of
 *     the window looked at): a stall of some partitions shows here even when the first output came
 *     at once from others
 */
public record OutputPause(Optional<Duration> firstAfter, Duration longestGap) {

  /**
   * @param seenMs when output was seen, epoch ms
   * @param faultMs when the fault happened
   * @param untilMs the end of the window, e.g. when the killed broker was started again
   */
  public static OutputPause of(NavigableSet<Long> seenMs, long faultMs, long untilMs) {
    if (untilMs < faultMs) {
      throw new IllegalArgumentException("the window ends before the fault");
    }
    Long first = seenMs.higher(faultMs);
    long longest = 0;
    long previous = faultMs;
    for (long seen : seenMs.subSet(faultMs, false, untilMs, true)) {
      longest = Math.max(longest, seen - previous);
      previous = seen;
    }
    longest = Math.max(longest, untilMs - previous);
    return new OutputPause(
        Optional.ofNullable(first).map(at -> Duration.ofMillis(at - faultMs)),
        Duration.ofMillis(longest));
  }
}
