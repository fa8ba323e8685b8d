package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.Completeness;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Counters of one fusion instance, shared by its tasks; read by the runner and the bench. */
public final class FusionMetrics {

  private final Map<Completeness, AtomicLong> emitted = new EnumMap<>(Completeness.class);
  private final AtomicLong lateResults = new AtomicLong();
  private final AtomicLong duplicateResults = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();

  public FusionMetrics() {
    for (Completeness completeness : Completeness.values()) {
      emitted.put(completeness, new AtomicLong());
    }
  }

  void emitted(Completeness completeness) {
    emitted.get(completeness).incrementAndGet();
  }

  void lateResult() {
    lateResults.incrementAndGet();
  }

  void duplicateResult() {
    duplicateResults.incrementAndGet();
  }

  void deadLetter() {
    deadLetters.incrementAndGet();
  }

  public long emittedCount(Completeness completeness) {
    return emitted.get(completeness).get();
  }

  public long lateResults() {
    return lateResults.get();
  }

  public long duplicateResults() {
    return duplicateResults.get();
  }

  public long deadLetters() {
    return deadLetters.get();
  }

  @Override
  public String toString() {
    return "emitted " + emitted + ", late " + lateResults + ", duplicates " + duplicateResults
        + ", dead letters " + deadLetters;
  }
}
