package dev.gatestream.app.score;

import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.gateway.client.RequestReplyClient;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The pipeline as a scoring run sees it, played in memory: fusion answers each request at once on
 * its replyTo, but for those the test holds back; the router refuses texts starting with "refuse";
 * fusion's answer to "garble" cannot be read. The reply topic outlives one "process", so a resumed
 * run can read it again from where its journal says.
 */
final class PlayedPipeline {

  static final Topics TOPICS = new Topics("t-", 2, (short) 1);
  private static final Node NODE = new Node(0, "localhost", 9092);

  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private final Set<String> held = new HashSet<>();
  private final List<InferenceRequest> heldBack = new ArrayList<>();

  /** The reply topic's records, by offset. */
  private final List<ConsumerRecord<String, byte[]>> replies = new ArrayList<>();

  private final List<InferenceRequest> requests = new ArrayList<>();
  private String replyTopic;
  private MockConsumer<String, byte[]> consumer;
  private long deadLetterOffset;

  /** Fusion does not answer these ids until {@link #release()}. */
  void hold(String... ids) {
    held.addAll(List.of(ids));
  }

  /** Answers what was held back, and from now on everything. */
  void release() {
    held.clear();
    heldBack.forEach(this::answer);
    heldBack.clear();
  }

  /** Every request produced, by any process. */
  List<InferenceRequest> requests() {
    return requests;
  }

  /**
   * A client of one process of the run, over a fresh MockProducer and MockConsumer: the consumer
   * sees the reply topic as the earlier processes left it.
   */
  RequestReplyClient<ScoreRow> client(ResumePoint start, int window, long graceMs, Clock clock) {
    replyTopic = start.state.run.replyTopic();
    String requestsTopic = TOPICS.requests().name();
    Cluster cluster =
        new Cluster(
            "c",
            List.of(NODE),
            List.of(new PartitionInfo(requestsTopic, 0, NODE, null, null)),
            Set.of(),
            Set.of());
    MockProducer<String, InferenceRequest> producer =
        new MockProducer<>(
            cluster,
            true,
            null,
            new StringSerializer(),
            serdes.valueSerde(TOPICS.requests()).serializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              ProducerRecord<String, InferenceRequest> record, Callback callback) {
            Future<RecordMetadata> sent = super.send(record, callback);
            requests.add(record.value());
            if (held.contains(record.key())) {
              heldBack.add(record.value());
            } else {
              answer(record.value());
            }
            return sent;
          }
        };
    consumer = new MockConsumer<>("earliest");
    topic(replyTopic, 1, replies.size());
    topic(TOPICS.deadLetters().name(), 2, deadLetterOffset);
    RequestReplyClient<ScoreRow> client =
        new RequestReplyClient<>(
            producer,
            consumer,
            serdes.valueSerde(TOPICS.fusedResults()).deserializer(),
            TOPICS,
            new RequestReplyClient.Settings(
                "score-test", start.replies(), window, Duration.ofMillis(graceMs)),
            clock);
    replies.forEach(consumer::addRecord); // once assigned: the client assigns the partitions itself
    return client;
  }

  private void topic(String name, int partitions, long end) {
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

  private void answer(InferenceRequest request) {
    String id = request.getId().toString();
    String text = request.getText() == null ? "" : request.getText().toString();
    if (text.startsWith("refuse")) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(
          GatestreamHeaders.DLQ_SOURCE_TOPIC,
          TOPICS.requests().name().getBytes(StandardCharsets.UTF_8));
      headers.add(GatestreamHeaders.DLQ_STAGE, "router".getBytes(StandardCharsets.UTF_8));
      headers.add(GatestreamHeaders.DLQ_REASON, "text refused".getBytes(StandardCharsets.UTF_8));
      deliver(
          new ConsumerRecord<>(
              TOPICS.deadLetters().name(),
              0,
              deadLetterOffset++,
              0L,
              TimestampType.CREATE_TIME,
              -1,
              -1,
              id,
              new byte[] {0},
              headers,
              Optional.empty()));
      return;
    }
    byte[] value =
        text.equals("garble")
            ? new byte[] {7, 7, 7}
            : serdes
                .valueSerde(TOPICS.fusedResults())
                .serializer()
                .serialize(
                    replyTopic,
                    FusedResult.newBuilder()
                        .setRequestId(id)
                        .setOutput(new Score(0.25))
                        .setStrategy("mean")
                        .setContributors(List.of("a", "b"))
                        .setCompleteness(Completeness.COMPLETE)
                        .setLatencyMs(3)
                        .setEmittedAtMs(0)
                        .build());
    ConsumerRecord<String, byte[]> reply =
        new ConsumerRecord<>(request.getReplyTo().toString(), 0, replies.size(), id, value);
    replies.add(reply);
    deliver(reply);
  }

  /** To the process running, if one is: a later one reads the reply topic from its start. */
  private void deliver(ConsumerRecord<String, byte[]> record) {
    if (!consumer.closed()) {
      consumer.addRecord(record);
    }
  }
}
