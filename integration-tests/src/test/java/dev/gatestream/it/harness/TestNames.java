package dev.gatestream.it.harness;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique names for topics, consumer groups and Kafka Streams application ids, so that tests never
 * share state even against a long-lived external cluster. Names only use {@code [a-zA-Z0-9._-]} and
 * stay short enough for the internal topics Kafka Streams derives from an application id.
 */
public final class TestNames {

  private static final int MAX_BASE = 80;

  /** Differs between test JVMs (runs against the same external cluster don't collide). */
  private static final String RUN =
      Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36), 36);

  private static final AtomicLong COUNTER = new AtomicLong();

  private TestNames() {}

  /**
   * {@code base-<run>-<n>}, e.g. {@code orders-k3x9a-7}; {@code base} is sanitised and shortened if
   * needed.
   */
  public static String unique(String base) {
    String clean = base == null ? "" : base.replaceAll("[^A-Za-z0-9._-]", "-");
    if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
      clean = "test";
    }
    if (clean.length() > MAX_BASE) {
      clean = clean.substring(0, MAX_BASE);
    }
    return clean + "-" + RUN.toLowerCase(Locale.ROOT) + "-" + COUNTER.incrementAndGet();
  }
}
