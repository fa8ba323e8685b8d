package dev.gatestream.app.replay;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How many examples the adaptation job has learned, as the newest published weights of the policy
 * say: the replay compares it with the feedback it produced to know how stale the router's weights
 * are.
 */
final class LearnedExamples implements AutoCloseable {

  private final KafkaConsumer<String, RoutingWeights> weights;
  private final String policy;
  private long learned;

  LearnedExamples(
      Topics topics, GatestreamSerdes serdes, KafkaClients clients, String runId, String policy) {
    this.policy = policy;
    weights =
        clients.consumer(
            clients.ids().job("replay-weights", runId),
            null,
            Map.of(),
            new StringDeserializer(),
            serdes.valueSerde(topics.routingWeights()).deserializer());
    String topic = topics.routingWeights().name();
    List<TopicPartition> partitions =
        weights.partitionsFor(topic).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    weights.assign(partitions);
    weights.seekToBeginning(partitions);
  }

  /** The newest count published so far; reads what has arrived without waiting. */
  long poll() {
    for (ConsumerRecord<String, RoutingWeights> record : weights.poll(Duration.ZERO)) {
      if (record.value() != null && policy.equals(record.value().getPolicy())) {
        learned = Math.max(learned, record.value().getExamples());
      }
    }
    return learned;
  }

  @Override
  public void close() {
    weights.close();
  }
}
