package dev.gatestream.it;

import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A whole data plane for one test: its own topic prefix (so its own topics, application ids and
 * consumer groups), a generated replay log, the pipeline, a producer of requests and a reader of
 * fused results.
 */
final class PipelineFixture implements AutoCloseable {

  final GatestreamConfig config;
  final Topics topics;
  final List<String> experts;
  final Pipeline pipeline;
  private final StackEndpoints stack;
  final GatestreamSerdes serdes;
  private final KafkaProducer<String, InferenceRequest> producer;
  private final KafkaConsumer<String, FusedResult> results;

  PipelineFixture(
      StackEndpoints stack,
      Path workDir,
      int expertCount,
      int logRows,
      Map<String, String> settings)
      throws IOException {
    this(
        stack,
        workDir,
        expertCount,
        logRows,
        settings,
        EnumSet.of(Stage.ROUTER, Stage.FUSION, Stage.EXPERTS));
  }

  PipelineFixture(
      StackEndpoints stack,
      Path workDir,
      int expertCount,
      int logRows,
      Map<String, String> settings,
      Set<Stage> stages)
      throws IOException {
    this.stack = stack;
    experts = new ArrayList<>();
    for (int i = 0; i < expertCount; i++) {
      experts.add("org" + i + "/model-" + i + ".5b");
    }
    Path log = workDir.resolve("replay.csv");
    SyntheticRoutingLog.write(log, experts, logRows, "r", 7);
    Map<String, String> values =
        new HashMap<>(
            Map.of(
                GatestreamConfig.TOPIC_PREFIX, TestNames.unique("pipe") + "-",
                GatestreamConfig.TOPIC_PARTITIONS, "4",
                GatestreamConfig.EXPERTS, String.join(",", experts),
                GatestreamConfig.EXPERTS_REPLAY_LOG, log.toString(),
                GatestreamConfig.STREAMS_STATE_DIR, workDir.resolve("state").toString(),
                GatestreamConfig.ROUTER_FEATURES, "hashed",
                GatestreamConfig.ROUTER_FEATURE_DIMENSION, "64",
                // Top-2 of a softmax whose zero initial weights make every expert equally likely:
                // the load spreads.
                GatestreamConfig.ROUTER_GATE, "softmax-top-k",
                GatestreamConfig.ROUTER_GATE_K, "2",
                GatestreamConfig.ROUTER_EXPLORATION, "temperature"));
    values.putAll(settings);
    config = new ConfigLoader(Map.of()).load(null, values);
    topics = Topics.from(config);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }
    serdes = GatestreamSerdes.registry(stack.registryUrl(), true);
    List<ExpertSpec> specs = ExpertCatalog.load(config, workDir);
    pipeline =
        Pipeline.start(
            config, stack.bootstrapServers(), stack.registryUrl(), specs, stages, workDir);

    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producer =
        new KafkaProducer<>(
            producerProps,
            new StringSerializer(),
            serdes.valueSerde(topics.requests()).serializer());

    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    results =
        new KafkaConsumer<>(
            consumerProps,
            new StringDeserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer());
    // Assigned, not in a group: a reader that rejoins a group after a broker outage re-reads from
    // its last auto-committed offset, which would count as results fused twice.
    List<TopicPartition> fusedPartitions = new ArrayList<>();
    for (int p = 0; p < topics.fusedResults().partitions(); p++) {
      fusedPartitions.add(new TopicPartition(topics.fusedResults().name(), p));
    }
    results.assign(fusedPartitions);
    results.seekToBeginning(fusedPartitions);
  }

  /**
   * A byte-array reader of this pipeline's dead-letter topic, assigned every partition from the
   * start (not in a group: nothing is skipped or read twice across a broker restart).
   */
  KafkaConsumer<byte[], byte[]> deadLetterReader(String clientId) {
    return deadLetterReader(new KafkaClients(config, stack.bootstrapServers()), topics, clientId);
  }

  /** The value of a record's last header of that name, as text; null when it has none. */
  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** A reader of a deployment's dead-letter topic, from its beginning. */
  static KafkaConsumer<byte[], byte[]> deadLetterReader(
      KafkaClients clients, Topics topics, String clientId) {
    KafkaConsumer<byte[], byte[]> reader =
        clients.consumer(
            clientId, null, Map.of(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (int p = 0; p < topics.deadLetters().partitions(); p++) {
      partitions.add(new TopicPartition(topics.deadLetters().name(), p));
    }
    reader.assign(partitions);
    reader.seekToBeginning(partitions);
    return reader;
  }

  /** Produces requests r{from}..r{to-1} (ids that are in the replay log). */
  void sendRequests(int from, int to, Duration deadlineIn) {
    long now = System.currentTimeMillis();
    for (int i = from; i < to; i++) {
      String id = "r" + i;
      producer.send(
          new ProducerRecord<>(
              topics.requests().name(),
              id,
              InferenceRequest.newBuilder()
                  .setId(id)
                  .setCreatedAtMs(now)
                  .setTask("task-" + (i % 5))
                  .setText("question number " + i)
                  .setDeadlineMs(now + deadlineIn.toMillis())
                  .build()));
    }
    producer.flush();
  }

  /** Produces raw bytes to the requests topic, as a broken client would. */
  void sendRaw(String key, byte[] value) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topics.requests().name(), key, value));
    }
  }

  /** Reads what fused results have been committed since the last call. */
  List<FusedResult> pollResults() {
    List<FusedResult> read = new ArrayList<>();
    for (ConsumerRecord<String, FusedResult> record : results.poll(Duration.ofMillis(200))) {
      read.add(record.value());
    }
    return read;
  }

  /** Whether the reader has consumed everything committed to the fused-results topic so far. */
  boolean readToEnd() {
    Set<TopicPartition> assigned = results.assignment();
    if (assigned.isEmpty()) {
      return false;
    }
    Map<TopicPartition, Long> end = results.endOffsets(assigned);
    return assigned.stream()
        .allMatch(partition -> results.position(partition) >= end.get(partition));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    results.close(Duration.ofSeconds(5));
    pipeline.close();
  }
}
