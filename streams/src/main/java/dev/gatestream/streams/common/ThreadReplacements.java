package dev.gatestream.streams.common;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many failed stream threads a stage replaces: at most {@code max} within any window of {@code
 * window}; the failure after that stops the stage. A thread that fails on a record it cannot get
 * past fails again on the same record after every replacement, so without a bound the stage would
 * retry it forever while every partition of the thread's transaction waits.
 */
public final class ThreadReplacements {

  private final int max;
  private final Duration window;
  private final LongSupplier clock;
  private final Deque<Long> recent = new ArrayDeque<>();

  /**
   * @param clock epoch milliseconds
   */
  public ThreadReplacements(int max, Duration window, LongSupplier clock) {
    this.max = max;
    this.window = window;
    this.clock = clock;
  }

  public static ThreadReplacements from(GatestreamConfig config) {
    return new ThreadReplacements(
        config.getInt(GatestreamConfig.STREAMS_MAX_THREAD_REPLACEMENTS),
        Duration.ofMillis(config.getLong(GatestreamConfig.STREAMS_THREAD_REPLACEMENT_WINDOW_MS)),
        System::currentTimeMillis);
  }

  /** The catalogue's defaults. */
  public static ThreadReplacements defaults() {
    return from(new GatestreamConfig(Map.of()));
  }

  public int max() {
    return max;
  }

  public Duration window() {
    return window;
  }

  /** Counts a thread failure; whether the failed thread may be replaced. */
  public synchronized boolean replaceAnother() {
    long now = clock.getAsLong();
    while (!recent.isEmpty() && recent.peekFirst() <= now - window.toMillis()) {
      recent.removeFirst();
    }
    if (recent.size() >= max) {
      return false;
    }
    recent.addLast(now);
    return true;
  }
}
