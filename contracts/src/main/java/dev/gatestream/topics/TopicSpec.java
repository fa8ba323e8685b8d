package dev.gatestream.topics;

import java.util.Map;

/**
 * One topic of the catalogue: its name and the types of its keys and values (from which the serdes
 * follow), how many partitions and replicas it has and how it is cleaned up.
 *
 * @param configs further topic-level configs that {@code topics apply} sets and checks
 */
public record TopicSpec<K, V>(
    String name,
    Class<K> keyType,
    Class<V> valueType,
    int partitions,
    short replication,
    CleanupPolicy cleanupPolicy,
    Map<String, String> configs) {

  public TopicSpec {
    configs = Map.copyOf(configs);
  }

  /**
   * Registry subject of the value schema (Confluent's TopicNameStrategy, Apicurio's
   * TopicIdStrategy).
   */
  public String valueSubject() {
    return name + "-value";
  }
}
