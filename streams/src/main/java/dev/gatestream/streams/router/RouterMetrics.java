package dev.gatestream.streams.router;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.streams.common.DeadLetterMeters;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.RoutingWeightsStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The meters of one router instance, shared by its tasks: requests routed, experts chosen (tagged
 * {@code expert} and {@code policy}), the gate's decision time, the active weights' version and
 * age, deadlines clamped, weights records skipped as unreadable, and the dead letters. The counts
 * the status line shows are read back from them.
 */
public final class RouterMetrics implements AutoCloseable {

  public static final String REQUESTS = "gatestream.router.requests";
  public static final String DECISIONS = "gatestream.router.decisions";
  public static final String GATE_LATENCY = "gatestream.router.gate.latency";
  public static final String POLICY_VERSION = "gatestream.router.policy.version";
  public static final String POLICY_AGE = "gatestream.router.policy.age";
  public static final String DEADLINE_CLAMPED = "gatestream.router.deadline.clamped";
  static final String STAGE = "router";

  private final MeterRegistry registry;
  private final String policy;
  private final Counter requests;
  private final Timer gateLatency;
  private final List<Gauge> gauges;
  private final DeadLetterMeters deadLetters;
  private final Counter deadlinesClamped;
  private final Counter unreadableWeights;
  // One counter per expert ever chosen: the configured experts, so a bounded set.
  private final Map<String, Counter> decisions = new ConcurrentHashMap<>();

  public RouterMetrics(MeterRegistry registry, ActivePolicy policy) {
    this.registry = registry;
    this.policy = policy.policy();
    this.requests =
        Counter.builder(REQUESTS)
            .description("Requests routed (each with one routing decision)")
            .register(registry);
    // Gates decide in microseconds to milliseconds; the histogram's buckets cover that range.
    this.gateLatency =
        Timer.builder(GATE_LATENCY)
            .description("Time the gate takes to choose experts")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
    this.gauges =
        List.of(
            Gauge.builder(POLICY_VERSION, policy, ActivePolicy::version)
                .description("Version of the weights the router runs")
                .tag("policy", this.policy)
                .strongReference(true)
                .register(registry),
            Gauge.builder(POLICY_AGE, policy, active -> active.ageMs() / 1000.0)
                .description("Time since the weights the router runs were published")
                .baseUnit("seconds")
                .tag("policy", this.policy)
                .strongReference(true)
                .register(registry));
    this.deadLetters = new DeadLetterMeters(registry, STAGE);
    this.deadlinesClamped =
        Counter.builder(DEADLINE_CLAMPED)
            .description("Requests whose deadline was beyond router.max.deadline.ms, clamped to it")
            .register(registry);
    this.unreadableWeights =
        Counter.builder(RoutingWeightsStore.UNREADABLE_METER)
            .description("Records of the routing-weights topic skipped as unusable")
            .tag("stage", STAGE)
            .register(registry);
  }

  /** The gate's call, timed. */
  <T> T timeGate(Supplier<T> decide) {
    return gateLatency.record(decide);
  }

  void routed(List<ChosenExpert> chosen) {
    requests.increment();
    for (ChosenExpert expert : chosen) {
      decisions
          .computeIfAbsent(
              expert.getExpert(),
              name ->
                  Counter.builder(DECISIONS)
                      .description("Experts chosen, one per task issued")
                      .tag("expert", name)
                      .tag("policy", policy)
                      .register(registry))
          .increment();
    }
  }

  void deadLetter(DeadLetterReason reason) {
    deadLetters.increment(reason);
  }

  void deadlineClamped() {
    deadlinesClamped.increment();
  }

  void weightsUnreadable() {
    unreadableWeights.increment();
  }

  public long clampedDeadlines() {
    return (long) deadlinesClamped.count();
  }

  public long unreadableWeights() {
    return (long) unreadableWeights.count();
  }

  public long routed() {
    return (long) requests.count();
  }

  /** Tasks issued: experts chosen over all requests. */
  public long tasks() {
    return (long) decisions.values().stream().mapToDouble(Counter::count).sum();
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
    registry.remove(requests);
    registry.remove(gateLatency);
    gauges.forEach(registry::remove);
    decisions.values().forEach(registry::remove);
    registry.remove(deadlinesClamped);
    registry.remove(unreadableWeights);
    deadLetters.close();
  }

  @Override
  public String toString() {
    return "routed "
        + routed()
        + " requests into "
        + tasks()
        + " tasks, "
        + deadLetters()
        + " dead letters";
  }
}
