package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Each expert's running reliability, as the adaptation job publishes it with a policy's weights
 * ({@code "reliability"} block, in {@code experts} order). Newer versions replace older ones whole;
 * until one arrives, and for experts it does not name, every expert weighs 1.
 */
public final class ExpertReliability {

  private record Snapshot(long version, Map<String, Double> reliability) {}

  private final String policy;
  private final AtomicReference<Snapshot> current =
      new AtomicReference<>(new Snapshot(-1, Map.of()));

  public ExpertReliability(String policy) {
    this.policy = policy;
  }

  public String policy() {
    return policy;
  }

  /** Takes the reliability out of a newer snapshot of our policy; ignores everything else. */
  public void offer(RoutingWeights weights) {
    if (weights == null
        || !policy.equals(weights.getPolicy())
        || weights.getVersion() <= current.get().version()) {
      return;
    }
    List<Double> values = weights.getParameters().get(WeightsSnapshot.RELIABILITY);
    if (values == null) {
      return;
    }
    Map<String, Double> reliability = new HashMap<>();
    for (int i = 0; i < Math.min(values.size(), weights.getExperts().size()); i++) {
      reliability.put(weights.getExperts().get(i), values.get(i));
    }
    current.set(new Snapshot(weights.getVersion(), Map.copyOf(reliability)));
  }

  public double of(String expert) {
    return current.get().reliability().getOrDefault(expert, 1.0);
  }

  public long version() {
    return current.get().version();
  }
}
