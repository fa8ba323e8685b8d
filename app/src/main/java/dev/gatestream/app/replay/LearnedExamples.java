package dev.gatestream.app.replay;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * How many examples the adaptation job has learned, as the published weights of the policy say: in
 * the newest version, and in the version that routed a request. The replay compares them with the
 * feedback it produced to know how stale the router's weights are.
 */
final class LearnedExamples implements AutoCloseable {

  /** Versions remembered: results come back within seconds of their decision, on recent ones. */
  static final int VERSIONS_KEPT = 4_096;

  private final KafkaConsumer<String, RoutingWeights> weights;
  private final String policy;
  private final NavigableMap<Long, Long> examplesByVersion = new TreeMap<>();
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
        examplesByVersion.put(record.value().getVersion(), record.value().getExamples());
        if (examplesByVersion.size() > VERSIONS_KEPT) {
          examplesByVersion.pollFirstEntry();
        }
      }
    }
    return learned;
  }

  /**
   * The examples learned in weights {@code version}: 0 for the prior (version 0); for a version not
   * read yet, those of the newest one before it, so a staleness is never understated by much.
   */
  long examplesIn(long version) {
    Map.Entry<Long, Long> known = examplesByVersion.floorEntry(version);
    return known == null ? 0 : known.getValue();
  }

  @Override
  public void close() {
    weights.close();
  }
}
