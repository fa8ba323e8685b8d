package dev.gatestream.streams.router;

import java.time.Duration;
import java.util.OptionalLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The ids the router routed within the dedupe window, with when. They live in a changelogged
 * in-memory window store, filed under the start of a coarse time bucket (a thirty-second of the
 * window) rather than under their own millisecond: the store keeps one segment per distinct
 * timestamp and a lookup visits every segment in its range, so per-millisecond keys made each
 * lookup cost as many steps as milliseconds with traffic in the window (the router's top frames in
 * the bench). The exact time is the stored value, so the window stays exact.
 */
final class RoutedIds {

  private static final int BUCKETS_PER_WINDOW = 32;

  private final WindowStore<String, Long> store;
  private final long windowMs;
  private final long bucketMs;

  RoutedIds(WindowStore<String, Long> store, Duration window) {
    this.store = store;
    this.windowMs = window.toMillis();
    this.bucketMs = bucketMs(window);
  }

  /** The store, keeping a bucket beyond the window so that no id is forgotten early. */
  static StoreBuilder<WindowStore<String, Long>> storeBuilder(String name, Duration window) {
    Duration retention = window.plusMillis(bucketMs(window));
    return Stores.windowStoreBuilder(
        Stores.inMemoryWindowStore(name, retention, retention, false),
        Serdes.String(),
        Serdes.Long());
  }

  private static long bucketMs(Duration window) {
    return Math.max(1, window.toMillis() / BUCKETS_PER_WINDOW);
  }

  /** When the id was routed, if less than the window before now. */
  OptionalLong routedAt(String id, long now) {
    long from = Math.max(0, bucket(now - windowMs));
    try (WindowStoreIterator<Long> routed = store.fetch(id, from, now)) {
      while (routed.hasNext()) {
        long at = routed.next().value;
        if (now - at < windowMs) {
          return OptionalLong.of(at);
        }
      }
    }
    return OptionalLong.empty();
  }

  void remember(String id, long now) {
    store.put(id, now, bucket(now));
  }

  private long bucket(long time) {
    return time - Math.floorMod(time, bucketMs);
  }
}
