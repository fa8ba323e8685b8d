package dev.gatestream.clients;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Records a Kafka Streams stage failed to write for a reason that lies in the record itself (too
 * large, its topic missing), by topic and key. Under exactly-once such a failure rolls back the
 * whole transaction, so the stage meets the same input again: the production exception handler
 * notes the failure here and the stage's processors, about to write that record once more,
 * dead-letter it instead. One per stage instance, handed to both through the Streams configs under
 * {@link #CONFIG}; bounded, the oldest forgotten first.
 */
public final class WriteFailures {

  /** The Streams config entry that carries a stage's instance (an object, not a setting). */
  public static final String CONFIG = "gatestream.write.failures";

  private static final int CAPACITY = 10_000;

  private final Map<String, String> reasons =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > CAPACITY;
        }
      };

  /** The instance a stage's configs carry, if they carry one. */
  public static Optional<WriteFailures> in(Map<String, ?> configs) {
    return configs.get(CONFIG) instanceof WriteFailures failures
        ? Optional.of(failures)
        : Optional.empty();
  }

  public synchronized void note(String topic, byte[] key, String reason) {
    reasons.put(entry(topic, key == null ? "" : new String(key, StandardCharsets.UTF_8)), reason);
  }

  /**
   * Why the record of this key could not be written to this topic, once: the caller now deals with
   * it.
   */
  public synchronized Optional<String> take(String topic, String key) {
    return reasons.isEmpty()
        ? Optional.empty()
        : Optional.ofNullable(reasons.remove(entry(topic, key)));
  }

  private static String entry(String topic, String key) {
    return topic + '\u0000' + key;
  }
}
