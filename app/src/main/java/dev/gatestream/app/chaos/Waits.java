package dev.gatestream.app.chaos;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The fault runs' bounded waits for a condition on what the audit has seen. */
final class Waits {

  private Waits() {}

  /**
   * Waits until the condition holds or the timeout passes, polling every step; whether it holds.
   */
  static boolean until(BooleanSupplier condition, Duration timeout, Duration step)
      throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() >= until) {
        return false;
      }
      Thread.sleep(Math.min(step.toMillis(), Math.max(1, (until - System.nanoTime()) / 1_000_000)));
    }
    return true;
  }
}
