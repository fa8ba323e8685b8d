package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker calls its backend for one batch: tasks past their deadline expire without a call,
 * transient failures are retried with exponential backoff while the deadline and {@code maxRetries}
 * allow, and the circuit breaker rejects tasks while the backend is unwell. Every task of the batch
 * ends in exactly one call of {@link Results}. Time comes from the injected clock and the backoff
 * is waited out by the injected {@link Sleeper}, so tests drive both.
 *
 * <p>Thread-safe: batches are answered concurrently, sharing the breaker.
 */
final class CallPolicy {

  private static final Logger LOG = LoggerFactory.getLogger(CallPolicy.class);
  static final long MAX_BACKOFF_MS = 30_000;

  /** Where the tasks' ends go; each task of a batch is passed to exactly one call. */
  interface Results {

    void answered(Pending task, Outcome.Answer answer, long callMs);

    /**
     * @param latencyMs from the start of the batch to the giving up
     */
    void failed(Pending task, ResultStatus status, String message, long latencyMs);
  }

  /** Waits out a retry backoff. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final ExpertSpec spec;
  private final ExpertBackend backend;
  private final CircuitBreaker breaker;
  private final ExpertMeters meters;
  private final Results results;
  private final Clock clock;
  private final Sleeper sleeper;

  CallPolicy(
      ExpertSpec spec,
      ExpertBackend backend,
      CircuitBreaker breaker,
      ExpertMeters meters,
      Results results,
      Clock clock,
      Sleeper sleeper) {
    this.spec = spec;
    this.backend = backend;
    this.breaker = breaker;
    this.meters = meters;
    this.results = results;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Answers one batch, retrying on this thread.
   *
   * @throws InterruptedException when shutting down: the tasks still open get no result, so they
   *     are not committed and get redone
   */
  void answer(List<Pending> batch) throws InterruptedException {
    long startedAt = clock.millis();
    List<Pending> todo = new ArrayList<>(batch.size());
    for (Pending p : batch) {
      if (p.deadlineMs() <= startedAt) {
        results.failed(p, ResultStatus.EXPIRED, "deadline passed before work began", 0);
      } else {
        todo.add(p);
      }
    }
    for (int attempt = 1; !todo.isEmpty(); attempt++) {
      todo = attempt(todo, attempt, startedAt);
    }
  }

  /** One backend call for {@code todo}; returns the tasks to try again, after the backoff. */
  private List<Pending> attempt(List<Pending> todo, int attempt, long startedAt)
      throws InterruptedException {
    if (!breaker.tryAcquire()) {
      for (Pending p : todo) {
        results.failed(
            p,
            ResultStatus.REJECTED,
            "circuit open: " + breaker.lastError(),
            clock.millis() - startedAt);
      }
      return List.of();
    }
    Instant callStart = clock.instant();
    long latestDeadline = todo.stream().mapToLong(Pending::deadlineMs).max().orElseThrow();
    Duration timeout =
        Duration.ofMillis(
            Math.max(1, Math.min(spec.timeoutMs(), latestDeadline - callStart.toEpochMilli())));
    List<Outcome> outcomes = call(todo, timeout);
    Duration took = Duration.between(callStart, clock.instant());
    meters.called(took);

    List<Pending> again = new ArrayList<>();
    String lastTransient = null;
    for (int i = 0; i < todo.size(); i++) {
      Pending p = todo.get(i);
      Outcome outcome = outcomes.get(i);
      if (outcome instanceof Outcome.Answer a) {
        results.answered(p, a, took.toMillis());
      } else if (outcome instanceof Outcome.Failure f && f.transientFailure()) {
        again.add(p);
        lastTransient = f.message();
      } else {
        results.failed(
            p,
            ResultStatus.ERROR,
            ((Outcome.Failure) outcome).message(),
            clock.millis() - startedAt);
      }
    }
    // Only a call that got nothing but transient failures says the backend is unwell.
    if (again.size() == todo.size()) {
      breaker.onFailure(lastTransient);
    } else {
      breaker.onSuccess();
    }
    if (again.isEmpty()) {
      return List.of();
    }
    long backoff = Math.min(MAX_BACKOFF_MS, spec.retryBackoffMs() << Math.min(attempt - 1, 20));
    long retryAt = clock.millis() + backoff;
    List<Pending> retry = new ArrayList<>(again.size());
    for (Pending p : again) {
      String why =
          attempt > spec.maxRetries()
              ? "gave up after " + attempt + " attempts"
              : p.deadlineMs() <= retryAt
                  ? "deadline reached after " + attempt + " attempts"
                  : null;
      if (why == null) {
        retry.add(p);
      } else {
        results.failed(
            p, ResultStatus.ERROR, lastTransient + " (" + why + ")", clock.millis() - startedAt);
      }
    }
    if (!retry.isEmpty()) {
      meters.retried(retry.size());
      sleeper.sleep(backoff);
    }
    return retry;
  }

  private List<Outcome> call(List<Pending> todo, Duration timeout) {
    List<ExpertTask> tasks = todo.stream().map(Pending::task).toList();
    try {
      List<Outcome> outcomes = backend.answer(tasks, timeout);
      if (outcomes.size() != todo.size()) {
        return Collections.nCopies(
            todo.size(),
            Outcome.permanent(
                "backend returned " + outcomes.size() + " outcomes for " + todo.size() + " tasks"));
      }
      return outcomes;
    } catch (BackendException e) {
      return Collections.nCopies(todo.size(), new Outcome.Failure(e.getMessage(), e.isTransient()));
    } catch (RuntimeException e) {
      // A bug in the backend: retrying would only repeat it.
      LOG.warn("expert {}: backend failed", spec.name(), e);
      return Collections.nCopies(todo.size(), Outcome.permanent("backend failed: " + e));
    }
  }
}
