package dev.gatestream.app.bench;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Tells when a count has stopped growing: stalled once it has not grown for the stall bound, and
 * over when the whole wait has taken its overall bound, so that no wait of the bench is unbounded.
 */
final class ProgressWatch {

  private final LongSupplier nanoClock;
  private final long stallNanos;
  private final long overallEndNanos;
  private long lastCount = Long.MIN_VALUE;
  private long lastGrowthNanos;

  ProgressWatch(LongSupplier nanoClock, Duration stall, Duration overall) {
    this.nanoClock = nanoClock;
    this.stallNanos = stall.toNanos();
    long now = nanoClock.getAsLong();
    this.overallEndNanos = now + overall.toNanos();
    this.lastGrowthNanos = now;
  }

  /** Takes the count as it is now; true when it grew since the last look. */
  boolean observe(long count) {
    if (count <= lastCount) {
      return false;
    }
    lastCount = count;
    lastGrowthNanos = nanoClock.getAsLong();
    return true;
  }

  /** How long the count has not grown. */
  Duration sinceGrowth() {
    return Duration.ofNanos(nanoClock.getAsLong() - lastGrowthNanos);
  }

  boolean stalled() {
    return nanoClock.getAsLong() - lastGrowthNanos >= stallNanos;
  }

  boolean overdue() {
    return nanoClock.getAsLong() >= overallEndNanos;
  }
}
