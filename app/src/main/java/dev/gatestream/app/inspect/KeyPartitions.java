package dev.gatestream.app.inspect;

import dev.gatestream.clients.KafkaClients;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;

/** Where Kafka's default partitioner puts a key, and whether a deployment's producers use it. */
final class KeyPartitions {

  private KeyPartitions() {}

  /** The partition the producers' built-in partitioner picks for these key bytes. */
  static int of(byte[] key, int partitions) {
    return BuiltInPartitioner.partitionForKey(key, partitions);
  }

  /**
   * Whether the deployment's producers and Kafka Streams stages place records by the hash of their
   * key: no {@code partitioner.class} and no {@code partitioner.ignore.keys=true} in their
   * pass-through settings (a Streams stage's {@code producer.} ones included).
   */
  static boolean byDefaultPartitioner(KafkaClients clients) {
    return hashesKeys(clients.producerProperties("inspect", Map.of()))
        && hashesKeys(clients.streamsProperties("inspect", Path.of(".")));
  }

  private static boolean hashesKeys(Properties props) {
    for (Map.Entry<Object, Object> setting : props.entrySet()) {
      String name = String.valueOf(setting.getKey());
      if (name.endsWith(ProducerConfig.PARTITIONER_CLASS_CONFIG)
          || name.endsWith(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG)
              && Boolean.parseBoolean(String.valueOf(setting.getValue()))) {
        return false;
      }
    }
    return true;
  }
}
