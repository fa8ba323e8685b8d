package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the adaptation job published, read back by the tests. */
final class RoutingWeightsTopic {

  private RoutingWeightsTopic() {}

  /**
   * The newest snapshot on the compacted routing-weights topic; fails the test when there is none.
   */
  static RoutingWeights latest(String bootstrapServers, Topics topics, GatestreamSerdes serdes) {
    RoutingWeights latest = null;
    for (RoutingWeights weights : all(bootstrapServers, topics, serdes)) {
      if (latest == null || weights.getVersion() > latest.getVersion()) {
        latest = weights;
      }
    }
    assertThat(latest).as("a published snapshot").isNotNull();
    return latest;
  }

  /** Every snapshot the topic holds (compaction aside), in the order they were written. */
  static List<RoutingWeights> all(String bootstrapServers, Topics topics, GatestreamSerdes serdes) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, RoutingWeights> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            serdes.valueSerde(topics.routingWeights()).deserializer())) {
      TopicPartition partition = new TopicPartition(topics.routingWeights().name(), 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<RoutingWeights> all = new ArrayList<>();
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<String, RoutingWeights> record :
            consumer.poll(Duration.ofMillis(200))) {
          all.add(record.value());
        }
      }
      return all;
    }
  }
}
