package dev.gatestream.streams.fusion;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;

/**
 * Bounds on what fusion keeps, whatever its inputs hold.
 *
 * @param maxDeadline the latest deadline a decision may have after it was decided, and the longest
 *     a result waits for its decision after it was produced
 * @param maxEarlyExperts the most experts whose results are kept for a request without a decision
 *     yet
 * @param maxEarlyRequests the most requests per task with results and no decision yet
 */
public record FusionLimits(Duration maxDeadline, int maxEarlyExperts, int maxEarlyRequests) {

  public static FusionLimits from(GatestreamConfig config) {
    return new FusionLimits(
        Duration.ofMillis(config.getLong(GatestreamConfig.ROUTER_MAX_DEADLINE_MS)),
        config.getInt(GatestreamConfig.FUSION_MAX_EARLY_EXPERTS),
        config.getInt(GatestreamConfig.FUSION_MAX_EARLY_REQUESTS));
  }
}
