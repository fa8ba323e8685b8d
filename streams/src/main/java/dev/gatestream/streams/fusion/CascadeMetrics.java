package dev.gatestream.streams.fusion;

import dev.gatestream.policy.cascade.CascadeRule.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/** The cascade's escalation decisions, by reason and by whether they escalated. */
public final class CascadeMetrics implements AutoCloseable {

  public static final String STEPS = "gatestream.fusion.cascade.steps";

  private final MeterRegistry registry;
  private final Map<Reason, Counter> escalated = new EnumMap<>(Reason.class);
  private final Map<Reason, Counter> kept = new EnumMap<>(Reason.class);

  CascadeMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Reason reason : Reason.values()) {
      escalated.put(reason, counter(reason, true));
      kept.put(reason, counter(reason, false));
    }
  }

  private Counter counter(Reason reason, boolean escalates) {
    return Counter.builder(STEPS)
        .description("Escalation decisions of cascades: whether the next expert was asked, and why")
        .tag("reason", reason.id())
        .tag("escalated", Boolean.toString(escalates))
        .register(registry);
  }

  void step(Reason reason, boolean escalates) {
    (escalates ? escalated : kept).get(reason).increment();
  }

  /** Escalations made, for every reason. */
  public long escalations() {
    return escalated.values().stream().mapToLong(counter -> (long) counter.count()).sum();
  }

  /** Decisions that kept the answer in hand, for every reason. */
  public long kept() {
    return kept.values().stream().mapToLong(counter -> (long) counter.count()).sum();
  }

  public long steps(Reason reason, boolean escalates) {
    return (long) (escalates ? escalated : kept).get(reason).count();
  }

  @Override
  public void close() {
    escalated.values().forEach(registry::remove);
    kept.values().forEach(registry::remove);
  }
}
