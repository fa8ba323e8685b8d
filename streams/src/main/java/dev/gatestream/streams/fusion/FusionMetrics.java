package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.Completeness;
import dev.gatestream.streams.common.DeadLetterMeters;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.RoutingWeightsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The meters of one fusion instance, shared by its tasks: fused results by completeness, request
 * creation → fused emission, late and duplicate expert results, results dropped (by cause),
 * requests awaiting emission, weights records skipped as unreadable, and the dead letters. The
 * counts the runner and the bench show are read back from them.
 */
public final class FusionMetrics implements AutoCloseable {

  public static final String RESULTS = "gatestream.fusion.results";
  public static final String EMIT_LATENCY = "gatestream.fusion.emit.latency";
  public static final String LATE_RESULTS = "gatestream.fusion.late.results";
  public static final String DUPLICATE_RESULTS = "gatestream.fusion.duplicate.results";
  public static final String PENDING = "gatestream.fusion.pending";
  public static final String DROPPED_RESULTS = "gatestream.fusion.dropped.results";
  public static final String SHADOW_RESULTS = "gatestream.fusion.shadow.results";
  public static final String SHADOW_COST = "gatestream.fusion.shadow.cost";
  static final String STAGE = "fusion";

  /** Why fusion dropped an expert result (each one is also dead-lettered). */
  public enum DropCause {
    /** From an expert the request's decision did not choose. */
    UNCHOSEN,
    /** Its decision did not come by the request's deadline plus grace, in record time. */
    EXPIRED,
    /**
     * Beyond fusion.max.early.experts or fusion.max.early.requests while waiting for its decision.
     */
    OVERFLOW;

    String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<Completeness, Counter> emitted = new EnumMap<>(Completeness.class);
  private final Timer emitLatency;
  private final Counter lateResults;
  private final Counter duplicateResults;
  private final AtomicLong pending = new AtomicLong();
  private final Gauge pendingGauge;
  private final DeadLetterMeters deadLetters;
  private final Map<DropCause, Counter> dropped = new EnumMap<>(DropCause.class);
  private final Counter unreadableWeights;
  private final CascadeMetrics cascade;
  // Per shadow expert: a configured, so bounded, set.
  private final Map<String, Counter> shadowResults = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Counter> shadowCost = new java.util.concurrent.ConcurrentHashMap<>();

  public FusionMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Completeness completeness : Completeness.values()) {
      emitted.put(
          completeness,
          Counter.builder(RESULTS)
              .description("Fused results emitted")
              .tag("completeness", completeness.name())
              .register(registry));
    }
    // From the request's creation, so routing, the experts and fusion all count; deadlines are
    // seconds.
    this.emitLatency =
        Timer.builder(EMIT_LATENCY)
            .description("Time from request creation to fused emission")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry);
    this.lateResults =
        Counter.builder(LATE_RESULTS)
            .description("Expert results that came after their request's fused result")
            .register(registry);
    this.duplicateResults =
        Counter.builder(DUPLICATE_RESULTS)
            .description("Expert results delivered again (the first one counts)")
            .register(registry);
    this.pendingGauge =
        Gauge.builder(PENDING, pending, AtomicLong::get)
            .description("Requests with a routing decision and no fused result yet")
            .strongReference(true)
            .register(registry);
    this.deadLetters = new DeadLetterMeters(registry, STAGE);
    for (DropCause cause : DropCause.values()) {
      dropped.put(
          cause,
          Counter.builder(DROPPED_RESULTS)
              .description("Expert results fusion dropped")
              .tag("cause", cause.code())
              .register(registry));
    }
    this.unreadableWeights =
        Counter.builder(RoutingWeightsStore.UNREADABLE_METER)
            .description("Records of the routing-weights topic skipped as unusable")
            .tag("stage", STAGE)
            .register(registry);
    this.cascade = new CascadeMetrics(registry);
  }

  /** The cascades' escalation decisions. */
  public CascadeMetrics cascade() {
    return cascade;
  }

  void emitted(Completeness completeness, long latencyMs) {
    emitted.get(completeness).increment();
    emitLatency.record(latencyMs, TimeUnit.MILLISECONDS);
  }

  void lateResult() {
    lateResults.increment();
  }

  void duplicateResult() {
    duplicateResults.increment();
  }

  /** A task's processor reports changes of how many of its requests await emission. */
  void pendingChanged(long delta) {
    pending.addAndGet(delta);
  }

  void deadLetter(DeadLetterReason reason) {
    deadLetters.increment(reason);
  }

  void dropped(DropCause cause) {
    dropped.get(cause).increment();
  }

  /** A shadow expert's result: not fused; its cost counted apart from production's. */
  void shadowResult(String expert, double cost) {
    shadowResults
        .computeIfAbsent(
            expert,
            name ->
                Counter.builder(SHADOW_RESULTS)
                    .description("Results of shadow experts, set aside unfused")
                    .tag("expert", name)
                    .register(registry))
        .increment();
    if (Double.isFinite(cost) && cost > 0) {
      shadowCost
          .computeIfAbsent(
              expert,
              name ->
                  Counter.builder(SHADOW_COST)
                      .description("What shadow experts' calls cost, USD, apart from production")
                      .baseUnit("usd")
                      .tag("expert", name)
                      .register(registry))
          .increment(cost);
    }
  }

  public long shadowResults(String expert) {
    Counter counter = shadowResults.get(expert);
    return counter == null ? 0 : (long) counter.count();
  }

  void weightsUnreadable() {
    unreadableWeights.increment();
  }

  public long droppedResults(DropCause cause) {
    return (long) dropped.get(cause).count();
  }

  public long unreadableWeights() {
    return (long) unreadableWeights.count();
  }

  public long emittedCount(Completeness completeness) {
    return (long) emitted.get(completeness).count();
  }

  public long lateResults() {
    return (long) lateResults.count();
  }

  public long duplicateResults() {
    return (long) duplicateResults.count();
  }

  public long pending() {
    return pending.get();
  }

  public long deadLetters() {
    return deadLetters.total();
  }

  public long deadLetters(DeadLetterReason reason) {
    return deadLetters.count(reason);
  }

  /** Takes the meters off the registry (the counts above stay readable). */
  @Override
  public void close() {
    emitted.values().forEach(registry::remove);
    registry.remove(emitLatency);
    registry.remove(lateResults);
    registry.remove(duplicateResults);
    registry.remove(pendingGauge);
    dropped.values().forEach(registry::remove);
    registry.remove(unreadableWeights);
    cascade.close();
    deadLetters.close();
  }

  @Override
  public String toString() {
    Map<Completeness, Long> counts = new EnumMap<>(Completeness.class);
    emitted.forEach((completeness, counter) -> counts.put(completeness, (long) counter.count()));
    return "emitted "
        + counts
        + ", pending "
        + pending
        + ", late "
        + lateResults()
        + ", duplicates "
        + duplicateResults()
        + ", dead letters "
        + deadLetters();
  }
}
