package dev.gatestream.it.harness;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for a condition instead of sleeping: polls (10 ms, backing off to 250 ms) until the probe
 * yields, and fails with a message naming what was awaited (and the last error the probe threw, if
 * any) once the timeout passes.
 *
 * <pre>{@code
 * ConsumerRecord<String, String> r = Await.until("a record on " + topic, Duration.ofSeconds(30),
 *         () -> consumer.poll(Duration.ofMillis(100)).records(topic).iterator().hasNext() ? ... : Optional.empty());
 * Await.untilTrue("topic " + topic + " exists", Duration.ofSeconds(10),
 *         () -> admin.listTopics().names().get().contains(topic));
 * }</pre>
 */
public final class Await {

  private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** Yields a value once it is there; may throw, which counts as "not yet". */
  @FunctionalInterface
  public interface Probe<T> {
    Optional<T> poll() throws Exception;
  }

  /** True once the awaited state is reached; may throw, which counts as "not yet". */
  @FunctionalInterface
  public interface Condition {
    boolean test() throws Exception;
  }

  private Await() {}

  /** Polls {@code probe} until it returns a non-empty Optional and returns its value. */
  public static <T> T until(String what, Duration timeout, Probe<T> probe) {
    Objects.requireNonNull(probe, "probe");
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long pause = FIRST_PAUSE_NANOS;
    int attempts = 0;
    Throwable lastError = null;
    while (true) {
      attempts++;
      try {
        Optional<T> result = probe.poll();
        if (result != null && result.isPresent()) {
          return result.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception | AssertionError e) {
        lastError = e;
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        String message =
            "timed out after "
                + format(timeout)
                + " waiting for "
                + what
                + " ("
                + attempts
                + " attempts)"
                + (lastError == null ? "" : "; last error: " + lastError);
        throw new AssertionError(message, lastError);
      }
      LockSupport.parkNanos(Math.min(pause, deadline - now));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
      pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
    }
  }

  /** Polls {@code condition} until it is true. */
  public static void untilTrue(String what, Duration timeout, Condition condition) {
    Objects.requireNonNull(condition, "condition");
    until(what, timeout, () -> condition.test() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  private static String format(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
