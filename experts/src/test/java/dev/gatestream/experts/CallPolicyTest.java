package dev.gatestream.experts;

import static dev.gatestream.experts.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The call policy against a manual clock: backoffs and open times pass without sleeping. */
class CallPolicyTest {

  private static final String EXPERT = "llm";
  private static final long NOW = 1_000_000;

  private final ManualClock clock = new ManualClock(NOW);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Long> sleeps = new ArrayList<>();
  private final Map<String, String> ends = new LinkedHashMap<>();
  private final Map<String, Long> latencies = new LinkedHashMap<>();
  private final List<List<String>> calls = new ArrayList<>();
  private final List<Duration> timeouts = new ArrayList<>();
  private Function<ExpertTask, Outcome> script = t -> Outcome.answer(new Score(0.5));
  private long callTakesMs;
  // The gauges are not under test here.
  private final ExpertMeters meters =
      new ExpertMeters(registry, EXPERT, "c1", () -> CircuitBreaker.State.CLOSED, () -> 0, () -> 0);
  private CircuitBreaker breaker;
  private long nextOffset;

  /** Records each task's end as "STATUS: message". */
  private final CallPolicy.Results results =
      new CallPolicy.Results() {
        @Override
        public void answered(Pending task, Outcome.Answer answer, long callMs) {
          ends.put(task.requestId(), "OK: " + answer.output());
          latencies.put(task.requestId(), callMs);
        }

        @Override
        public void failed(Pending task, ResultStatus status, String message, long latencyMs) {
          ends.put(task.requestId(), status + ": " + message);
          latencies.put(task.requestId(), latencyMs);
        }
      };

  private final ExpertBackend backend =
      (tasks, timeout) -> {
        calls.add(tasks.stream().map(ExpertTask::getRequestId).toList());
        timeouts.add(timeout);
        clock.advance(callTakesMs);
        return tasks.stream().map(script).toList();
      };

  private CallPolicy policy(
      int maxRetries,
      long backoffMs,
      ExpertSpec.CircuitBreakerSettings breakerSettings,
      ExpertBackend backend) {
    ExpertSpec spec =
        new ExpertSpec(
            EXPERT,
            new BackendSettings.Replay(
                List.of(Path.of("unused.csv")), BackendSettings.ReplayAnswer.SCORE, 0),
            0.02,
            1,
            8,
            0,
            5_000,
            maxRetries,
            backoffMs,
            breakerSettings);
    breaker = new CircuitBreaker(breakerSettings, clock::millis);
    return new CallPolicy(
        spec,
        backend,
        breaker,
        meters,
        results,
        clock,
        ms -> {
          sleeps.add(ms);
          clock.advance(ms);
        });
  }

  private CallPolicy policy(int maxRetries, long backoffMs) {
    return policy(maxRetries, backoffMs, ExpertSpec.CircuitBreakerSettings.DEFAULTS, backend);
  }

  private Pending pending(String requestId, long deadlineMs) {
    return new Pending(
        task(requestId, EXPERT, deadlineMs),
        new OffsetTracker.Position(
            new TopicPartition("t", 0), new PartitionProgress(), nextOffset++),
        clock.millis());
  }

  private Pending pending(String requestId) {
    return pending(requestId, NOW + 600_000);
  }

  private double retries() {
    return registry.get(ExpertMeters.RETRIES).counter().count();
  }

  @Test
  void answersABatchInOneCallWithTheMeasuredCallTime() throws Exception {
    callTakesMs = 7;

    policy(0, 0).answer(List.of(pending("a"), pending("b")));

    assertThat(calls).containsExactly(List.of("a", "b"));
    assertThat(ends)
        .containsExactly(
            Map.entry("a", "OK: {\"value\": 0.5}"), Map.entry("b", "OK: {\"value\": 0.5}"));
    assertThat(latencies).containsValues(7L, 7L);
    Timer latency = registry.get(ExpertMeters.LATENCY).tag(ExpertMeters.EXPERT_TAG, EXPERT).timer();
    assertThat(latency.count()).as("one call").isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
  }

  @Test
  void tasksPastTheirDeadlineExpireWithoutABackendCall() throws Exception {
    policy(0, 0).answer(List.of(pending("late", NOW), pending("fine")));

    assertThat(ends)
        .containsEntry("late", "EXPIRED: deadline passed before work began")
        .containsEntry("fine", "OK: {\"value\": 0.5}");
    assertThat(latencies.get("late")).isZero();
    assertThat(calls).containsExactly(List.of("fine"));
  }

  @Test
  void theCallTimeoutIsCutToTheLatestDeadlineOfTheBatch() throws Exception {
    policy(0, 0).answer(List.of(pending("a", NOW + 1_200), pending("b", NOW + 800)));
    policy(0, 0).answer(List.of(pending("c")));

    assertThat(timeouts).containsExactly(Duration.ofMillis(1_200), Duration.ofMillis(5_000));
  }

  @Test
  void retriesTransientFailuresWithDoublingBackoffUntilTheySucceed() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    script =
        t ->
            t.getRequestId().equals("flaky") && attempts.incrementAndGet() <= 2
                ? Outcome.transientFailure("HTTP 503")
                : Outcome.answer(new Score(1.0));

    policy(3, 20).answer(List.of(pending("flaky"), pending("steady")));

    assertThat(ends).containsEntry("flaky", "OK: {\"value\": 1.0}");
    assertThat(calls)
        .containsExactly(List.of("flaky", "steady"), List.of("flaky"), List.of("flaky"));
    assertThat(sleeps).containsExactly(20L, 40L);
    assertThat(retries()).isEqualTo(2);
  }

  @Test
  void givesUpAfterMaxRetriesAndWhenTheDeadlineWouldPassAndNeverRetriesPermanentFailures()
      throws Exception {
    script =
        t ->
            t.getRequestId().equals("bad")
                ? Outcome.permanent("request bad is not in the replay log")
                : Outcome.transientFailure("HTTP 503");

    // Retried once after 200 ms; the next retry, 400 ms later, would come after its deadline.
    policy(2, 200)
        .answer(List.of(pending("bad"), pending("patient"), pending("hurried", NOW + 500)));

    assertThat(ends)
        .containsEntry("bad", "ERROR: request bad is not in the replay log")
        .containsEntry("patient", "ERROR: HTTP 503 (gave up after 3 attempts)")
        .containsEntry("hurried", "ERROR: HTTP 503 (deadline reached after 2 attempts)");
    assertThat(calls)
        .containsExactly(
            List.of("bad", "patient", "hurried"),
            List.of("patient", "hurried"),
            List.of("patient"));
    assertThat(sleeps).containsExactly(200L, 400L);
    assertThat(latencies.get("patient")).as("from the start of the batch").isEqualTo(600);
    assertThat(retries()).isEqualTo(3);
  }

  @Test
  void theBackoffIsCapped() throws Exception {
    script = t -> Outcome.transientFailure("HTTP 503");

    policy(1, 3_600_000).answer(List.of(pending("a", NOW + 7_200_000)));

    assertThat(sleeps).containsExactly(CallPolicy.MAX_BACKOFF_MS);
  }

  @Test
  void theCircuitOpensAfterConsecutiveFailuresRejectsThenClosesOnAGoodProbe() throws Exception {
    script = t -> Outcome.transientFailure("HTTP 503 from http://llm");
    CallPolicy policy = policy(0, 0, new ExpertSpec.CircuitBreakerSettings(2, 300), backend);
    policy.answer(List.of(pending("a")));
    policy.answer(List.of(pending("b")));

    policy.answer(List.of(pending("c")));

    assertThat(ends).containsEntry("c", "REJECTED: circuit open: HTTP 503 from http://llm");
    assertThat(calls).hasSize(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);

    script = t -> Outcome.answer(new Score(1.0));
    clock.advance(299);
    policy.answer(List.of(pending("d")));
    clock.advance(1);
    policy.answer(List.of(pending("e")));

    assertThat(ends)
        .containsEntry("d", "REJECTED: circuit open: HTTP 503 from http://llm")
        .containsEntry("e", "OK: {\"value\": 1.0}");
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void aCallWithSomeAnswersKeepsTheCircuitClosed() throws Exception {
    script =
        t ->
            t.getRequestId().startsWith("ok")
                ? Outcome.answer(new Score(1.0))
                : Outcome.transientFailure("HTTP 429");
    CallPolicy policy = policy(0, 0, new ExpertSpec.CircuitBreakerSettings(1, 300), backend);

    policy.answer(List.of(pending("ok1"), pending("busy1")));

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void backendExceptionsFailTheWholeBatchAndOnlyTransientOnesAreRetried() throws Exception {
    AtomicInteger call = new AtomicInteger();
    ExpertBackend failing =
        (tasks, timeout) -> {
          calls.add(tasks.stream().map(ExpertTask::getRequestId).toList());
          throw new BackendException("call " + call.incrementAndGet() + " failed", call.get() == 1);
        };

    policy(3, 10, ExpertSpec.CircuitBreakerSettings.DEFAULTS, failing)
        .answer(List.of(pending("a"), pending("b")));

    assertThat(calls).hasSize(2);
    assertThat(ends)
        .containsEntry("a", "ERROR: call 2 failed")
        .containsEntry("b", "ERROR: call 2 failed");
  }

  @Test
  void aBackendBugOrAWrongNumberOfOutcomesIsAPermanentError() throws Exception {
    ExpertBackend buggy =
        (tasks, timeout) -> {
          throw new IllegalStateException("oops");
        };
    ExpertBackend short1 = (tasks, timeout) -> List.of(Outcome.answer(new Score(1.0)));

    policy(3, 10, ExpertSpec.CircuitBreakerSettings.DEFAULTS, buggy).answer(List.of(pending("a")));
    policy(3, 10, ExpertSpec.CircuitBreakerSettings.DEFAULTS, short1)
        .answer(List.of(pending("b"), pending("c")));

    assertThat(ends)
        .containsEntry("a", "ERROR: backend failed: java.lang.IllegalStateException: oops")
        .containsEntry("b", "ERROR: backend returned 1 outcomes for 2 tasks")
        .containsEntry("c", "ERROR: backend returned 1 outcomes for 2 tasks");
    assertThat(sleeps).isEmpty();
  }
}
