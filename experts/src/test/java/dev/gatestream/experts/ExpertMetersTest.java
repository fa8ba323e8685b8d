package dev.gatestream.experts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ResultStatus;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExpertMetersTest {

  /** A registry that notes which timers asked for a percentile histogram. */
  private static final class HistogramAware extends SimpleMeterRegistry {
    final Map<String, Boolean> percentileHistogram = new HashMap<>();

    @Override
    protected Timer newTimer(
        Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
      percentileHistogram.put(id.getName(), config.isPercentileHistogram());
      return super.newTimer(id, config, pauseDetector);
    }
  }

  private final HistogramAware registry = new HistogramAware();
  private final AtomicReference<CircuitBreaker.State> state =
      new AtomicReference<>(CircuitBreaker.State.CLOSED);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger buffered = new AtomicInteger();

  private ExpertMeters meters(String expert, String clientId) {
    return new ExpertMeters(registry, expert, clientId, state::get, inFlight::get, buffered::get);
  }

  private double tasks(String expert, String outcome) {
    return registry
        .get(ExpertMeters.TASKS)
        .tag(ExpertMeters.EXPERT_TAG, expert)
        .tag(ExpertMeters.OUTCOME_TAG, outcome)
        .counter()
        .count();
  }

  private double gauge(String name, String clientId) {
    return registry.get(name).tag(ExpertMeters.CLIENT_ID_TAG, clientId).gauge().value();
  }

  @Test
  void countsTasksByOutcomePerExpert() {
    ExpertMeters llm = meters("llm", "c1");
    ExpertMeters clf = meters("clf", "c2");

    llm.settled(ResultStatus.OK);
    llm.settled(ResultStatus.OK);
    llm.settled(ResultStatus.ERROR);
    llm.settled(ResultStatus.EXPIRED);
    llm.settled(ResultStatus.REJECTED);
    llm.deadLettered();
    clf.settled(ResultStatus.OK);

    assertThat(tasks("llm", "ok")).isEqualTo(2);
    assertThat(tasks("llm", "error")).isEqualTo(1);
    assertThat(tasks("llm", "expired")).isEqualTo(1);
    assertThat(tasks("llm", "rejected")).isEqualTo(1);
    assertThat(tasks("llm", "dead_letter")).isEqualTo(1);
    assertThat(tasks("clf", "ok")).isEqualTo(1);
    assertThat(llm.settledCount(ResultStatus.OK)).isEqualTo(2);
    assertThat(llm.deadLetterCount()).isEqualTo(1);
  }

  @Test
  void timesBackendCallsWithAPercentileHistogram() {
    ExpertMeters meters = meters("llm", "c1");

    meters.called(Duration.ofMillis(20));
    meters.called(Duration.ofMillis(40));

    Timer latency = registry.get(ExpertMeters.LATENCY).tag(ExpertMeters.EXPERT_TAG, "llm").timer();
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60);
    assertThat(registry.percentileHistogram).containsEntry(ExpertMeters.LATENCY, true);
  }

  @Test
  void countsReceivedTasksBatchesAndRetries() {
    ExpertMeters meters = meters("llm", "c1");

    meters.received();
    meters.received();
    meters.batchStarted();
    meters.retried(3);

    assertThat(registry.get(ExpertMeters.RECEIVED).counter().count()).isEqualTo(2);
    assertThat(registry.get(ExpertMeters.BATCHES).counter().count()).isEqualTo(1);
    assertThat(registry.get(ExpertMeters.RETRIES).counter().count()).isEqualTo(3);
    assertThat(meters.receivedCount()).isEqualTo(2);
    assertThat(meters.batchCount()).isEqualTo(1);
    assertThat(meters.retryCount()).isEqualTo(3);
  }

  @Test
  void gaugesReadTheWorkersLoadAndBreakerLive() {
    meters("llm", "c1");

    inFlight.set(2);
    buffered.set(5);
    assertThat(gauge(ExpertMeters.INFLIGHT, "c1")).isEqualTo(2);
    assertThat(gauge(ExpertMeters.BUFFERED, "c1")).isEqualTo(5);

    assertThat(gauge(ExpertMeters.BREAKER_STATE, "c1")).isZero();
    state.set(CircuitBreaker.State.HALF_OPEN);
    assertThat(gauge(ExpertMeters.BREAKER_STATE, "c1")).isEqualTo(1);
    state.set(CircuitBreaker.State.OPEN);
    assertThat(gauge(ExpertMeters.BREAKER_STATE, "c1")).isEqualTo(2);
  }

  @Test
  void workersOfOneExpertShareTheCountersAndCloseOnlyTheirOwnGauges() {
    ExpertMeters first = meters("llm", "c1");
    ExpertMeters second = meters("llm", "c2");
    first.settled(ResultStatus.OK);
    second.settled(ResultStatus.OK);

    first.close();

    assertThat(first.settledCount(ResultStatus.OK)).isEqualTo(2);
    assertThat(registry.find(ExpertMeters.INFLIGHT).tag(ExpertMeters.CLIENT_ID_TAG, "c1").gauge())
        .isNull();
    assertThat(registry.find(ExpertMeters.INFLIGHT).gauges())
        .extracting(Meter::getId)
        .extracting(id -> id.getTag(ExpertMeters.CLIENT_ID_TAG))
        .containsExactly("c2");
    assertThat(registry.find(ExpertMeters.TASKS).tag(ExpertMeters.OUTCOME_TAG, "ok").counter())
        .isNotNull();
  }
}
