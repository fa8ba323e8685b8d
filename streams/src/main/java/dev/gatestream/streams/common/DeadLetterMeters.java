package dev.gatestream.streams.common;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The dead-letter counter of one stage, {@value #NAME} tagged {@code stage} and {@code reason}.
 * Every reason is registered up front, so a rate over it reads 0 rather than nothing before the
 * first one.
 */
public final class DeadLetterMeters implements AutoCloseable {

  public static final String NAME = "gatestream.dlq";

  private final MeterRegistry registry;
  private final Map<DeadLetterReason, Counter> counters = new EnumMap<>(DeadLetterReason.class);

  public DeadLetterMeters(MeterRegistry registry, String stage) {
    this.registry = registry;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      counters.put(
          reason,
          Counter.builder(NAME)
              .description("Records a stage sent to the dead-letter topic")
              .tag("stage", stage)
              .tag("reason", reason.code())
              .register(registry));
    }
  }

  public void increment(DeadLetterReason reason) {
    counters.get(reason).increment();
  }

  public long count(DeadLetterReason reason) {
    return (long) counters.get(reason).count();
  }

  public long total() {
    return (long) counters.values().stream().mapToDouble(Counter::count).sum();
  }

  @Override
  public void close() {
    counters.values().forEach(registry::remove);
  }
}
