package dev.gatestream.experts;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

class WorkerSupervisorTest {

  private static final RestartPolicy POLICY =
      new RestartPolicy(3, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(3));

  private final ManualClock clock = new ManualClock(1_000_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Duration> waits = new ArrayList<>();

  /** Waits by moving the clock on. */
  private final WorkerSupervisor.Sleeper sleeper =
      wait -> {
        waits.add(wait);
        clock.advance(wait.toMillis());
      };

  private WorkerSupervisor<FakeWorker> supervisor(Supplier<FakeWorker> factory) {
    return supervisor(factory, sleeper);
  }

  private WorkerSupervisor<FakeWorker> supervisor(
      Supplier<FakeWorker> factory, WorkerSupervisor.Sleeper sleeper) {
    return new WorkerSupervisor<>(
        "gpt-4", "expert-gpt-4-0", factory, POLICY, registry, clock::millis, sleeper);
  }

  @Test
  void restartsAWorkerThatDiesWithDoublingBackoffAndGivesUpPastTheBudget() {
    AtomicInteger made = new AtomicInteger();
    WorkerSupervisor<FakeWorker> supervisor =
        supervisor(
            () -> {
              made.incrementAndGet();
              return new FakeWorker(() -> fail("producer timed out"));
            });

    supervisor.run();

    assertThat(made).hasValue(4);
    assertThat(waits)
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3));
    WorkerSupervisor.Status status = supervisor.status();
    assertThat(status.failed()).isTrue();
    assertThat(status.running()).isFalse();
    assertThat(status.restarts()).isEqualTo(3);
    assertThat(status.lastFailure())
        .get()
        .hasToString(new KafkaException("producer timed out").toString());
    assertThat(registry.get(WorkerSupervisor.RESTARTS).tag("expert", "gpt-4").counter().count())
        .isEqualTo(3);
    assertThat(registry.get(WorkerSupervisor.STATE).tag("worker", "expert-gpt-4-0").gauge().value())
        .isEqualTo(2);
  }

  @Test
  void failuresFartherApartThanTheWindowAreRestartedForever() {
    AtomicInteger made = new AtomicInteger();
    List<WorkerSupervisor<FakeWorker>> self = new ArrayList<>();
    WorkerSupervisor<FakeWorker> supervisor =
        supervisor(
            () ->
                made.incrementAndGet() <= 10
                    ? new FakeWorker(
                        () -> {
                          // Each worker runs for longer than the window before it dies.
                          clock.advance(Duration.ofMinutes(2).toMillis());
                          fail("broker down");
                        })
                    : new FakeWorker(() -> self.get(0).close()));
    self.add(supervisor);

    supervisor.run();

    assertThat(supervisor.status().failed()).isFalse();
    assertThat(supervisor.status().restarts()).isEqualTo(10);
    // The backoff does not grow either: each failure is the first in its window.
    assertThat(waits).hasSize(10).containsOnly(Duration.ofSeconds(1));
  }

  @Test
  void aWorkerThatCannotBeMadeIsRetriedLikeOneThatDied() {
    AtomicInteger made = new AtomicInteger();
    List<WorkerSupervisor<FakeWorker>> self = new ArrayList<>();
    WorkerSupervisor<FakeWorker> supervisor =
        supervisor(
            () -> {
              if (made.incrementAndGet() == 1) {
                throw new KafkaException("broker not reachable");
              }
              return new FakeWorker(() -> self.get(0).close());
            });
    self.add(supervisor);

    supervisor.run();

    assertThat(made).hasValue(2);
    assertThat(supervisor.status().restarts()).isEqualTo(1);
    assertThat(supervisor.status().failed()).isFalse();
  }

  @Test
  void closingDuringTheBackoffRestartsNothing() {
    AtomicInteger made = new AtomicInteger();
    List<WorkerSupervisor<FakeWorker>> self = new ArrayList<>();
    WorkerSupervisor<FakeWorker> supervisor =
        supervisor(
            () -> {
              made.incrementAndGet();
              return new FakeWorker(() -> fail("died"));
            },
            wait -> self.get(0).close());
    self.add(supervisor);

    supervisor.run();

    assertThat(made).hasValue(1);
    assertThat(supervisor.status().restarts()).isZero();
    assertThat(supervisor.status().failed()).isFalse();
  }

  @Test
  void noRestartsAllowedMeansTheFirstFailureIsForGood() {
    WorkerSupervisor<FakeWorker> supervisor =
        new WorkerSupervisor<>(
            "gpt-4",
            "expert-gpt-4-0",
            () -> new FakeWorker(() -> fail("died")),
            new RestartPolicy(0, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO),
            registry,
            clock::millis,
            sleeper);

    supervisor.run();

    assertThat(supervisor.status().failed()).isTrue();
    assertThat(waits).isEmpty();
  }

  @Test
  void onItsOwnThreadItRunsTheWorkerUntilClosedAndThenClosesIt() throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch stop = new CountDownLatch(1);
    FakeWorker worker =
        new FakeWorker(
            () -> {
              running.countDown();
              try {
                stop.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            stop::countDown);
    WorkerSupervisor<FakeWorker> supervisor =
        new WorkerSupervisor<>("gpt-4", "expert-gpt-4-0", () -> worker, POLICY, registry).start();

    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(supervisor.status().running()).isTrue();
    assertThat(supervisor.current()).containsSame(worker);

    supervisor.close();

    assertThat(worker.closed).isTrue();
    assertThat(supervisor.status().running()).isFalse();
    assertThat(supervisor.status().restarts()).isZero();
    assertThat(supervisor.status().failed()).isFalse();
  }

  private static void fail(String message) {
    throw new KafkaException(message);
  }

  /** A worker whose loop is {@code body}; {@code close()} runs {@code onClose}. */
  private static final class FakeWorker implements Runnable, AutoCloseable {
    private final Runnable body;
    private final Runnable onClose;
    volatile boolean closed;

    FakeWorker(Runnable body) {
      this(body, () -> {});
    }

    FakeWorker(Runnable body, Runnable onClose) {
      this.body = body;
      this.onClose = onClose;
    }

    @Override
    public void run() {
      body.run();
    }

    @Override
    public void close() {
      closed = true;
      onClose.run();
    }
  }
}
