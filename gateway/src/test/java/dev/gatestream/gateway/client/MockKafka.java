package dev.gatestream.gateway.client;

import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A MockProducer and a MockConsumer that know the topics of a deployment, and records to feed them.
 */
final class MockKafka {

  static final Topics TOPICS = new Topics("t-", 2, (short) 1);
  private static final Node NODE = new Node(0, "localhost", 9092);

  final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  final MockProducer<String, InferenceRequest> producer;
  final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");

  MockKafka(boolean autoComplete) {
    String requests = TOPICS.requests().name();
    Cluster cluster =
        new Cluster(
            "c",
            List.of(NODE),
            List.of(
                new PartitionInfo(requests, 0, NODE, null, null),
                new PartitionInfo(requests, 1, NODE, null, null)),
            Set.of(),
            Set.of());
    producer =
        new MockProducer<>(
            cluster,
            autoComplete,
            null,
            new StringSerializer(),
            serdes.valueSerde(TOPICS.requests()).serializer());
  }

  /** Makes a topic exist for the consumer, holding offsets {@code [0, end)} on each partition. */
  void topic(String name, int partitions, long end) {
    consumer.updatePartitions(
        name,
        IntStream.range(0, partitions)
            .mapToObj(p -> new PartitionInfo(name, p, NODE, null, null))
            .toList());
    for (int p = 0; p < partitions; p++) {
      consumer.updateBeginningOffsets(Map.of(new TopicPartition(name, p), 0L));
      consumer.updateEndOffsets(Map.of(new TopicPartition(name, p), end));
    }
  }

  <T> RequestReplyClient<T> client(ReplyRoute route, int window, Duration grace, TestClock clock) {
    return new RequestReplyClient<>(
        producer,
        consumer,
        serdes.valueSerde(TOPICS.fusedResults()).deserializer(),
        TOPICS,
        new RequestReplyClient.Settings("test", route, window, grace),
        clock);
  }

  static FusedResult fused(String requestId) {
    return FusedResult.newBuilder()
        .setRequestId(requestId)
        .setOutput(new Score(0.5))
        .setStrategy("mean")
        .setContributors(List.of("a"))
        .setCompleteness(Completeness.COMPLETE)
        .setLatencyMs(5)
        .setEmittedAtMs(1)
        .build();
  }

  /** Fusion's result for {@code requestId} at {@code offset} of partition 0 of {@code topic}. */
  void result(String topic, long offset, String requestId) {
    consumer.addRecord(
        new ConsumerRecord<>(
            topic,
            0,
            offset,
            requestId,
            serdes
                .valueSerde(TOPICS.fusedResults())
                .serializer()
                .serialize(topic, fused(requestId))));
  }

  void raw(String topic, long offset, String key, byte[] value) {
    consumer.addRecord(new ConsumerRecord<>(topic, 0, offset, key, value));
  }

  /**
   * A dead letter of {@code requestId} at {@code offset} of partition 0, from {@code sourceTopic}.
   */
  void deadLetter(long offset, String requestId, String sourceTopic, String stage, String reason) {
    deadLetter(offset, requestId, sourceTopic, stage, reason, Map.of());
  }

  /** As above, with more headers (those it carried from the record refused, a reason code). */
  void deadLetter(
      long offset,
      String requestId,
      String sourceTopic,
      String stage,
      String reason,
      Map<String, String> more) {
    RecordHeaders headers = new RecordHeaders();
    more.forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
    headers.add(GatestreamHeaders.DLQ_SOURCE_TOPIC, sourceTopic.getBytes(StandardCharsets.UTF_8));
    headers.add(GatestreamHeaders.DLQ_STAGE, stage.getBytes(StandardCharsets.UTF_8));
    headers.add(GatestreamHeaders.DLQ_REASON, reason.getBytes(StandardCharsets.UTF_8));
    consumer.addRecord(
        new ConsumerRecord<>(
            TOPICS.deadLetters().name(),
            0,
            offset,
            0L,
            TimestampType.CREATE_TIME,
            -1,
            -1,
            requestId,
            new byte[] {1, 2},
            headers,
            Optional.empty()));
  }

  static InferenceRequest.Builder request(String id) {
    return InferenceRequest.newBuilder().setId(id).setText("question " + id);
  }
}
