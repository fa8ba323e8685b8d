package dev.gatestream.app.chaos;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** The fault runs' bounded waits: for a condition on what the audit has seen, for their traffic. */
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

  /**
   * Waits for the traffic to finish within its pace plus the deadline and settle time; why it did
   * not, if it did not (cancelled then).
   */
  static Optional<String> traffic(
      CompletableFuture<Void> traffic, int requests, int ratePerSecond, Duration slack)
      throws InterruptedException {
    try {
      traffic.get(
          slack.toMillis() + (long) requests * 1000 / Math.max(1, ratePerSecond),
          TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.of(String.valueOf(e.getCause().getMessage()));
    } catch (TimeoutException e) {
      traffic.cancel(true);
      return Optional.of("the traffic did not finish in time");
    }
  }
}
