package dev.gatestream.streams.router;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;

/**
 * What the router accepts: bounds on a request's size, so that every task and decision made of it
 * can be written, and on its deadline, so that no stage keeps state for it indefinitely.
 *
 * @param maxRequestBytes the largest serialized request
 * @param maxTextChars the longest text
 * @param maxAttributes the most attributes
 * @param maxAttributesChars the most characters of attribute keys and values together
 * @param maxDeadline the latest deadline after routing; later ones are clamped to it
 * @param dedupeWindow how long a routed id is remembered, so that a request with it is not routed
 *     again; zero for no dedupe
 */
public record RouterLimits(
    int maxRequestBytes,
    int maxTextChars,
    int maxAttributes,
    int maxAttributesChars,
    Duration maxDeadline,
    Duration dedupeWindow) {

  /** Room a task needs besides its request, and a decision besides its attributes. */
  static final int HEADROOM_BYTES = 64 * 1024;

  public static RouterLimits from(GatestreamConfig config) {
    return new RouterLimits(
        config.getInt(GatestreamConfig.ROUTER_MAX_REQUEST_BYTES),
        config.getInt(GatestreamConfig.ROUTER_MAX_TEXT_CHARS),
        config.getInt(GatestreamConfig.ROUTER_MAX_ATTRIBUTES),
        config.getInt(GatestreamConfig.ROUTER_MAX_ATTRIBUTES_CHARS),
        Duration.ofMillis(config.getLong(GatestreamConfig.ROUTER_MAX_DEADLINE_MS)),
        Duration.ofMillis(config.getLong(GatestreamConfig.ROUTER_DEDUPE_WINDOW_MS)));
  }

  /**
   * The largest request whose tasks a producer writing at most {@code maxRecordBytes} can write.
   */
  int requestBytesWithin(int maxRecordBytes) {
    return Math.min(maxRequestBytes, Math.max(0, maxRecordBytes - HEADROOM_BYTES));
  }
}
