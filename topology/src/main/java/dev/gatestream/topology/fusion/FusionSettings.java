package dev.gatestream.topology.fusion;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;
import java.util.List;

/**
 * How fusion decides when and how to emit.
 *
 * @param quorum emit once this many chosen experts answered OK; 0 waits for all or the deadline
 * @param grace how long after the deadline state is kept to recognize late results
 * @param punctuateEvery how often the deadline index is scanned
 * @param strategy a strategy name or "auto"
 * @param uniformWeights weigh experts equally instead of by gate weight
 * @param fallbackOrder order of the first-successful strategy; empty for the routing order
 */
public record FusionSettings(int quorum, Duration grace, Duration punctuateEvery, String strategy,
    boolean uniformWeights, List<String> fallbackOrder) {

  public static FusionSettings from(GatestreamConfig config) {
    return new FusionSettings(config.getInt(GatestreamConfig.FUSION_QUORUM),
        Duration.ofMillis(config.getLong(GatestreamConfig.FUSION_GRACE_MS)),
        Duration.ofMillis(config.getLong(GatestreamConfig.FUSION_PUNCTUATE_MS)),
        config.getString(GatestreamConfig.FUSION_STRATEGY),
        "uniform".equals(config.getString(GatestreamConfig.FUSION_WEIGHTS)),
        config.getList(GatestreamConfig.FUSION_FALLBACK_ORDER));
  }
}
