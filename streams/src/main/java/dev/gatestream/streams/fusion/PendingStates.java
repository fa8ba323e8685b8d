package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.internal.FusionState;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fusion's pending store with the states it last read or wrote kept decoded: a request's decision
 * and results arrive within milliseconds of each other, and decoding its Avro state on every one of
 * them was a fifth of fusion's samples in the bench. Writes still go to the store (and its
 * changelog) at once; the decoded copies are bounded, least recently used first out.
 *
 * <p>A caller mutates the state it got before writing it back; a failure in between leaves the copy
 * ahead of the store, so {@link #forgetDecoded()} drops every copy then.
 */
final class PendingStates {

  private static final int MAX_DECODED = 10_000;

  private final KeyValueStore<String, FusionState> store;
  private final Map<String, FusionState> decoded =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FusionState> eldest) {
          return size() > MAX_DECODED;
        }
      };

  PendingStates(KeyValueStore<String, FusionState> store) {
    this.store = store;
  }

  FusionState get(String id) {
    FusionState state = decoded.get(id);
    if (state == null) {
      state = store.get(id);
      if (state != null) {
        decoded.put(id, state);
      }
    }
    return state;
  }

  void put(String id, FusionState state) {
    store.put(id, state);
    decoded.put(id, state);
  }

  void delete(String id) {
    store.delete(id);
    decoded.remove(id);
  }

  KeyValueIterator<String, FusionState> all() {
    return store.all();
  }

  void forgetDecoded() {
    decoded.clear();
  }
}
