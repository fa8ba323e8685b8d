package dev.gatestream.experts;

import dev.gatestream.contracts.ResultStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * One worker's meters. Counters and the latency timer are tagged with the expert only, so the
 * workers of one expert on one registry add up; the gauges describe one worker's load and breaker,
 * so they are also tagged with its Kafka {@code client.id} (the tag the consumer's own meters
 * carry) and removed when it closes.
 */
final class ExpertMeters implements AutoCloseable {

  static final String LATENCY = "gatestream.expert.latency";
  static final String TASKS = "gatestream.expert.tasks";
  static final String RECEIVED = "gatestream.expert.received";
  static final String BATCHES = "gatestream.expert.batches";
  static final String RETRIES = "gatestream.expert.retries";
  static final String BREAKER_STATE = "gatestream.expert.breaker.state";
  static final String INFLIGHT = "gatestream.expert.inflight";
  static final String BUFFERED = "gatestream.expert.buffered";
  static final String EXPERT_TAG = "expert";
  static final String OUTCOME_TAG = "outcome";
  static final String CLIENT_ID_TAG = "client.id";
  static final String DEAD_LETTER = "dead_letter";

  private final MeterRegistry registry;
  private final Map<ResultStatus, Counter> settled = new EnumMap<>(ResultStatus.class);
  private final Counter deadLetters;
  private final Counter received;
  private final Counter batches;
  private final Counter retries;
  private final Timer latency;
  private final List<Meter> gauges;

  /**
   * @param inFlight batches at the backend now
   * @param buffered tasks taken in and not yet in a batch
   */
  ExpertMeters(
      MeterRegistry registry,
      String expert,
      String clientId,
      Supplier<CircuitBreaker.State> breaker,
      IntSupplier inFlight,
      IntSupplier buffered) {
    this.registry = registry;
    Tags tags = Tags.of(EXPERT_TAG, expert);
    for (ResultStatus status : ResultStatus.values()) {
      settled.put(status, tasks(tags, status.name().toLowerCase(Locale.ROOT)));
    }
    this.deadLetters = tasks(tags, DEAD_LETTER);
    this.received =
        Counter.builder(RECEIVED)
            .tags(tags)
            .description("Task records taken in (dead letters not included)")
            .register(registry);
    this.batches =
        Counter.builder(BATCHES)
            .tags(tags)
            .description("Batches started at the backend")
            .register(registry);
    this.retries =
        Counter.builder(RETRIES)
            .tags(tags)
            .description("Task retries after transient failures")
            .register(registry);
    this.latency =
        Timer.builder(LATENCY)
            .tags(tags)
            .description("Backend call latency, per batch call")
            .publishPercentileHistogram()
            .register(registry);
    Tags worker = tags.and(CLIENT_ID_TAG, clientId);
    this.gauges =
        List.of(
            Gauge.builder(BREAKER_STATE, () -> level(breaker.get()))
                .tags(worker)
                .description("The worker's circuit breaker: 0 closed, 1 half-open, 2 open")
                .register(registry),
            Gauge.builder(INFLIGHT, inFlight::getAsInt)
                .tags(worker)
                .description("Batches at the backend now")
                .register(registry),
            Gauge.builder(BUFFERED, buffered::getAsInt)
                .tags(worker)
                .description("Tasks taken in and not yet in a batch")
                .register(registry));
  }

  private Counter tasks(Tags tags, String outcome) {
    return Counter.builder(TASKS)
        .tags(tags)
        .tag(OUTCOME_TAG, outcome)
        .description("Task records settled, by how: a result of that status, or a dead letter")
        .register(registry);
  }

  static int level(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  void received() {
    received.increment();
  }

  void batchStarted() {
    batches.increment();
  }

  void called(Duration took) {
    latency.record(took);
  }

  void retried(int tasks) {
    retries.increment(tasks);
  }

  void settled(ResultStatus status) {
    settled.get(status).increment();
  }

  void deadLettered() {
    deadLetters.increment();
  }

  long settledCount(ResultStatus status) {
    return (long) settled.get(status).count();
  }

  long deadLetterCount() {
    return (long) deadLetters.count();
  }

  long receivedCount() {
    return (long) received.count();
  }

  long batchCount() {
    return (long) batches.count();
  }

  long retryCount() {
    return (long) retries.count();
  }

  /** Removes this worker's gauges; the counters stay, they are the expert's. */
  @Override
  public void close() {
    gauges.forEach(registry::remove);
  }
}
