package dev.gatestream.serdes;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls the registry on behalf of one record until it answers: each attempt is bounded (the HTTP
 * client has no timeout of its own), a transient failure ({@link TransientFailures}) is logged,
 * counted and retried after an exponential backoff, and a failure that is the record's is thrown at
 * once. Past the budget it throws {@link RegistryUnavailableException}, which is transient too: the
 * caller fails and is redone later, and the record is never dead-lettered for it.
 */
public final class RegistryRetry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);

  /**
   * @param initialBackoff the wait after the first failure, doubled after each one
   * @param maxBackoff the longest wait between two attempts
   * @param attemptTimeout how long one attempt may take
   * @param budget how long one record is retried before its caller gives up (and is redone)
   */
  public record Policy(
      Duration initialBackoff, Duration maxBackoff, Duration attemptTimeout, Duration budget) {

    /**
     * A budget below the consumers' {@code max.poll.interval.ms} (5 min), so that a stage waiting
     * for the registry stays in its group.
     */
    public static Policy defaults() {
      return new Policy(
          Duration.ofMillis(100),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(120));
    }

    public Policy {
      Objects.requireNonNull(initialBackoff, "initialBackoff");
      Objects.requireNonNull(maxBackoff, "maxBackoff");
      Objects.requireNonNull(attemptTimeout, "attemptTimeout");
      Objects.requireNonNull(budget, "budget");
      if (initialBackoff.isNegative()
          || maxBackoff.compareTo(initialBackoff) < 0
          || attemptTimeout.isNegative()
          || attemptTimeout.isZero()
          || budget.isNegative()) {
        throw new IllegalArgumentException("invalid registry retry policy: " + this);
      }
    }
  }

  /** Waits between attempts. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** Told of every transient failure that is retried. */
  @FunctionalInterface
  public interface Listener {
    void retrying(String what, int attempt, String reason);
  }

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Policy policy;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Listener listener;
  private final ExecutorService attempts =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "gatestream-registry-call-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  public RegistryRetry(Policy policy, Listener listener) {
    this(policy, System::nanoTime, Thread::sleep, listener);
  }

  RegistryRetry(Policy policy, LongSupplier nanoTime, Sleeper sleeper, Listener listener) {
    this.policy = policy;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.listener = listener;
  }

  public Policy policy() {
    return policy;
  }

  /**
   * The result of {@code call}, retried while it fails transiently.
   *
   * @param what what is being done, for the log: e.g. "read a record of t-requests"
   * @throws RuntimeException what {@code call} threw, when the record is at fault
   * @throws RegistryUnavailableException when the budget ran out, or the thread was interrupted
   */
  public <T> T call(String what, Supplier<T> call) {
    long start = nanoTime.getAsLong();
    long backoff = policy.initialBackoff().toMillis();
    for (int attempt = 1; ; attempt++) {
      RuntimeException failure;
      try {
        return bounded(call);
      } catch (RuntimeException e) {
        failure = e;
      }
      String reason = TransientFailures.reason(failure).orElse(null);
      if (reason == null) {
        throw failure;
      }
      long elapsed = TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - start);
      if (elapsed + backoff > policy.budget().toMillis()) {
        throw new RegistryUnavailableException(
            "registry unavailable for "
                + elapsed
                + " ms ("
                + attempt
                + " attempts) to "
                + what
                + ": "
                + reason,
            failure);
      }
      listener.retrying(what, attempt, reason);
      LOG.warn(
          "cannot {} ({}), attempt {} after {} ms; retrying in {} ms",
          what,
          reason,
          attempt,
          elapsed,
          backoff);
      try {
        sleeper.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException(
            "interrupted while waiting for the registry to " + what + ": " + reason, failure);
      }
      backoff = Math.min(policy.maxBackoff().toMillis(), Math.max(1, backoff * 2));
    }
  }

  private <T> T bounded(Supplier<T> call) {
    Future<T> future = attempts.submit(call::get);
    try {
      return future.get(policy.attemptTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RegistryUnavailableException(
          "no answer within " + policy.attemptTimeout().toMillis() + " ms", e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while calling the registry", e);
    }
  }

  @Override
  public void close() {
    attempts.shutdownNow();
  }
}
