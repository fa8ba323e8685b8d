package dev.gatestream.streams.router;

import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate a router instance decides with right now. New weights versions are swapped in
 * atomically: a decision reads the reference once, so it never mixes two versions. Older or equal
 * versions are ignored, so a compacted topic replayed from the start cannot roll the policy back.
 * Weights that name a gate (a promoted candidate's) are run with that gate; those that name none,
 * with the configured one.
 */
public final class ActivePolicy {

  private static final Logger LOG = LoggerFactory.getLogger(ActivePolicy.class);

  /** The gate and when it was swapped in. */
  public record Swap(Gate gate, long publishedAtMs, long swappedAtMs) {}

  private final String policy;
  private final GateFactory factory;
  private final GateFactory.Resolver resolver;
  private final Map<String, GateFactory> resolved = new HashMap<>();
  private final LongSupplier clock;
  private final AtomicReference<Swap> current;

  public ActivePolicy(String policy, GateFactory factory, LongSupplier clock) {
    this(
        policy,
        factory,
        spec -> {
          throw new IllegalArgumentException("this router builds no gate but its own, not " + spec);
        },
        clock);
  }

  /**
   * @param resolver builds the gates that published weights name
   */
  public ActivePolicy(
      String policy, GateFactory factory, GateFactory.Resolver resolver, LongSupplier clock) {
    this.policy = policy;
    this.factory = factory;
    this.resolver = resolver;
    this.clock = clock;
    long now = clock.getAsLong();
    this.current = new AtomicReference<>(new Swap(factory.create(null), now, now));
  }

  public String policy() {
    return policy;
  }

  public Gate gate() {
    return current.get().gate();
  }

  public Swap current() {
    return current.get();
  }

  public long version() {
    return current.get().gate().version();
  }

  /**
   * How long ago the active weights were published (the initial ones: since this router started).
   */
  public long ageMs() {
    return clock.getAsLong() - current.get().publishedAtMs();
  }

  /** Considers a published snapshot; returns whether it became the active one. */
  public synchronized boolean offer(RoutingWeights weights) {
    if (weights == null
        || !policy.equals(weights.getPolicy())
        || weights.getVersion() <= version()) {
      return false;
    }
    Gate gate;
    try {
      GateFactory named =
          weights.getGate() == null
              ? factory
              : resolved.computeIfAbsent(weights.getGate(), resolver::forGate);
      gate = named.create(toSnapshot(weights));
    } catch (IllegalArgumentException e) {
      LOG.error(
          "ignoring weights v{} of policy {}: {}", weights.getVersion(), policy, e.getMessage());
      return false;
    }
    long now = clock.getAsLong();
    current.set(new Swap(gate, weights.getPublishedAtMs(), now));
    LOG.info(
        "router now runs policy {} version {} ({} ms after publication)",
        policy,
        gate.version(),
        now - weights.getPublishedAtMs());
    return true;
  }

  /** The plain form of a published snapshot. */
  public static WeightsSnapshot toSnapshot(RoutingWeights weights) {
    Map<String, double[]> parameters = new HashMap<>();
    weights
        .getParameters()
        .forEach(
            (name, values) -> {
              double[] array = new double[values.size()];
              for (int i = 0; i < array.length; i++) {
                array[i] = values.get(i);
              }
              parameters.put(name, array);
            });
    return new WeightsSnapshot(
        weights.getPolicy(),
        weights.getVersion(),
        weights.getExperts(),
        weights.getFeatureDimension(),
        parameters);
  }
}
