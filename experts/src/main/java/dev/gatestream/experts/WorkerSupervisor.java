package dev.gatestream.experts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one expert worker running in this JVM: a worker whose loop ends by itself (its producer
 * timed out while the broker was down, say) is replaced by a new one from {@code factory} after a
 * backoff, and counted in {@value #RESTARTS}. Past the {@link RestartPolicy}'s restarts within its
 * window the worker stays down and its {@link #status()} says it failed, so that the process can
 * exit non-zero and whatever supervises it starts it afresh.
 *
 * <p>A restart here costs a new consumer and producer, not a new JVM; with static membership the
 * new consumer takes the old one's partitions back without a rebalance.
 *
 * @param <W> the worker: {@code run()} is its loop, {@code close()} stops it from another thread
 */
public final class WorkerSupervisor<W extends Runnable & AutoCloseable>
    implements Runnable, AutoCloseable {

  public static final String RESTARTS = "gatestream.expert.worker.restarts";
  public static final String STATE = "gatestream.expert.worker.state";

  private static final Logger LOG = LoggerFactory.getLogger(WorkerSupervisor.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  /** Waits out a backoff; returns early when the supervisor is closed. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration wait) throws InterruptedException;
  }

  /**
   * What the supervised worker is doing.
   *
   * @param running a worker is in its loop now (false while waiting to restart one)
   * @param restarts workers replaced so far
   * @param lastFailure why the last worker stopped, if one did
   * @param failed whether it stopped for good
   */
  public record Status(
      boolean running, long restarts, Optional<Throwable> lastFailure, boolean failed) {}

  private final String name;
  private final Supplier<W> factory;
  private final RestartPolicy policy;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private final MeterRegistry registry;
  private final Counter restartCounter;
  private final Gauge stateGauge;
  private final Deque<Long> recentFailures = new ArrayDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong restarts = new AtomicLong();

  private volatile W current;
  private volatile boolean closed;
  private volatile Throwable lastFailure;
  private volatile Throwable failed;
  private Thread thread;

  /**
   * @param expert the expert's name, the tag of the restart counter
   * @param name this worker's name, e.g. {@code expert-gpt-4-0}: its thread's and its state gauge's
   */
  public WorkerSupervisor(
      String expert,
      String name,
      Supplier<W> factory,
      RestartPolicy policy,
      MeterRegistry registry) {
    this(expert, name, factory, policy, registry, System::currentTimeMillis, null);
  }

  /**
   * @param clock epoch milliseconds, which the restart window is judged in
   * @param sleeper waits out backoffs; null: a wait that {@link #close()} ends
   */
  WorkerSupervisor(
      String expert,
      String name,
      Supplier<W> factory,
      RestartPolicy policy,
      MeterRegistry registry,
      LongSupplier clock,
      Sleeper sleeper) {
    this.name = name;
    this.factory = factory;
    this.policy = policy;
    this.clock = clock;
    this.sleeper =
        sleeper != null ? sleeper : wait -> closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    this.registry = registry;
    this.restartCounter =
        Counter.builder(RESTARTS)
            .tags(Tags.of(ExpertMeters.EXPERT_TAG, expert))
            .description("Expert workers that stopped by themselves and were started again")
            .register(registry);
    this.stateGauge =
        Gauge.builder(STATE, this, supervisor -> supervisor.stateCode())
            .tags(Tags.of(ExpertMeters.EXPERT_TAG, expert, "worker", name))
            .description("An expert worker: 0 running, 1 waiting to restart, 2 failed for good")
            .strongReference(true)
            .register(registry);
  }

  /** Runs the worker on a thread of its own, named after it. */
  public synchronized WorkerSupervisor<W> start() {
    if (thread != null) {
      throw new IllegalStateException(name + " already started");
    }
    thread = new Thread(this, name);
    thread.start();
    return this;
  }

  /** Runs, restarts and finally gives up on the worker, until {@link #close()} or for good. */
  @Override
  public void run() {
    try {
      superviseUntilClosedOrFailed();
    } catch (Error e) {
      failed = e;
      throw e;
    }
  }

  private void superviseUntilClosedOrFailed() {
    while (!closed) {
      Throwable failure;
      try {
        W worker = factory.get();
        synchronized (this) {
          if (closed) {
            closeQuietly(worker);
            return;
          }
          current = worker;
        }
        worker.run();
        failure = new IllegalStateException(name + " stopped by itself");
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        current = null;
      }
      if (closed) {
        return;
      }
      lastFailure = failure;
      Optional<Duration> wait = nextRestart();
      if (wait.isEmpty()) {
        failed = failure;
        LOG.error(
            "{} failed {} times within {}s; it stays down",
            name,
            policy.maxRestarts() + 1,
            policy.window().toSeconds(),
            failure);
        return;
      }
      LOG.warn("{} failed; restarting it in {} ms", name, wait.get().toMillis(), failure);
      try {
        sleeper.sleep(wait.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (closed) {
        return;
      }
      restarts.incrementAndGet();
      restartCounter.increment();
    }
  }

  /** Counts a failure: the wait before the restart, or empty when the budget is spent. */
  private Optional<Duration> nextRestart() {
    long now = clock.getAsLong();
    while (!recentFailures.isEmpty()
        && recentFailures.peekFirst() <= now - policy.window().toMillis()) {
      recentFailures.removeFirst();
    }
    if (recentFailures.size() >= policy.maxRestarts()) {
      return Optional.empty();
    }
    recentFailures.addLast(now);
    return Optional.of(policy.backoffAfter(recentFailures.size()));
  }

  public String name() {
    return name;
  }

  /** The worker running now, if one is (none while waiting to restart, or once failed). */
  public Optional<W> current() {
    return Optional.ofNullable(current);
  }

  public Status status() {
    return new Status(
        current != null, restarts.get(), Optional.ofNullable(lastFailure), failed != null);
  }

  private int stateCode() {
    return failed != null ? 2 : current != null ? 0 : 1;
  }

  /** Stops the worker (it commits what is done and closes its clients) and its supervision. */
  @Override
  public void close() {
    W running;
    synchronized (this) {
      closed = true;
      running = current;
    }
    closing.countDown();
    if (running != null) {
      closeQuietly(running);
    }
    Thread supervising;
    synchronized (this) {
      supervising = thread;
    }
    if (supervising != null && supervising != Thread.currentThread()) {
      try {
        supervising.join(CLOSE_TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    registry.remove(stateGauge);
  }

  private void closeQuietly(W worker) {
    try {
      worker.close();
    } catch (Exception e) {
      LOG.warn("{}: cannot close the worker: {}", name, e.toString());
    }
  }
}
