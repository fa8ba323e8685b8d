package dev.gatestream.streams.fusion;

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
 * @param weights where the weighted strategies' expert weights come from
 * @param fallbackOrder order of the first-successful strategy; empty for the routing order
 */
public record FusionSettings(
    int quorum,
    Duration grace,
    Duration punctuateEvery,
    String strategy,
    Weights weights,
    List<String> fallbackOrder) {

  /** Sources of expert weights. */
  public enum Weights {
    /** the routing decision's gate weights */
    GATE,
    /** every expert alike */
    UNIFORM,
    /** each expert's running reliability, learned from feedback by the adaptation job */
    RELIABILITY
  }

  public static FusionSettings from(GatestreamConfig config) {
    return new FusionSettings(
        config.getInt(GatestreamConfig.FUSION_QUORUM),
        Duration.ofMillis(config.getLong(GatestreamConfig.FUSION_GRACE_MS)),
        Duration.ofMillis(config.getLong(GatestreamConfig.FUSION_PUNCTUATE_MS)),
        config.getString(GatestreamConfig.FUSION_STRATEGY),
        Weights.valueOf(
            config.getString(GatestreamConfig.FUSION_WEIGHTS).toUpperCase(java.util.Locale.ROOT)),
        config.getList(GatestreamConfig.FUSION_FALLBACK_ORDER));
  }
}
