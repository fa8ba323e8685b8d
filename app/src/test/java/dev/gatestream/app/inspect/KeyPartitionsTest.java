package dev.gatestream.app.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyPartitionsTest {

  private static KafkaClients clients(Map<String, String> settings) {
    return new KafkaClients(new ConfigLoader(Map.of()).load(null, settings), "localhost:9092");
  }

  @Test
  void theDefaultsHashKeys() {
    assertThat(KeyPartitions.byDefaultPartitioner(clients(Map.of()))).isTrue();
    assertThat(
            KeyPartitions.byDefaultPartitioner(
                clients(Map.of("kafka.partitioner.ignore.keys", "false"))))
        .isTrue();
  }

  @Test
  void aPartitionerOfTheirOwnOrIgnoredKeysMeanTheKeyTellsNothing() {
    assertThat(
            KeyPartitions.byDefaultPartitioner(
                clients(
                    Map.of(
                        "kafka.producer.partitioner.class",
                        "org.apache.kafka.clients.producer.RoundRobinPartitioner"))))
        .isFalse();
    assertThat(
            KeyPartitions.byDefaultPartitioner(
                clients(
                    Map.of(
                        "kafka.streams.producer.partitioner.class",
                        "org.apache.kafka.clients.producer.RoundRobinPartitioner"))))
        .isFalse();
    assertThat(
            KeyPartitions.byDefaultPartitioner(
                clients(Map.of("kafka.partitioner.ignore.keys", "true"))))
        .isFalse();
  }

  @Test
  void aKeyAlwaysLandsInTheSamePartitionWithinTheCount() {
    byte[] key = "r42".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int partition = KeyPartitions.of(key, 4);
    assertThat(partition).isBetween(0, 3).isEqualTo(KeyPartitions.of(key.clone(), 4));
    assertThat(KeyPartitions.of(key, 1)).isZero();
  }
}
