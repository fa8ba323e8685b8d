package dev.gatestream.streams.fusion;

/**
 * Keys of the deadline index: zero-padded epoch milliseconds, then the request id, so the store's
 * byte order is time order and a range scan finds everything due.
 */
final class DueKeys {

  static final String FIRST = "0000000000000";
  private static final int TIME_DIGITS = 13;

  private DueKeys() {}

  static String of(long dueAtMs, String requestId) {
    return pad(dueAtMs) + ":" + requestId;
  }

  /**
   * Upper bound of a range scan for everything due at or before this time (';' sorts after ':').
   */
  static String upTo(long nowMs) {
    return pad(nowMs) + ";";
  }

  static long timeOf(String key) {
    return Long.parseLong(key.substring(0, TIME_DIGITS));
  }

  private static String pad(long ms) {
    String digits = Long.toString(Math.max(0, ms));
    return "0".repeat(Math.max(0, TIME_DIGITS - digits.length())) + digits;
  }
}
