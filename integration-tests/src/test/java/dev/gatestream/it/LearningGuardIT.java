package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.adaptation.AdaptationRunner;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptation job's guards on real Kafka and the embedded Flink job: poison on the feedback
 * topic (the job is its only reader) is dead-lettered with its reason while learning goes on, a
 * result whose cost is NaN is counted and publishes nothing non-finite, and a job restarted without
 * its checkpoints resumes each policy from its newest published snapshot instead of the prior.
 */
@ExtendWith(GatestreamStackExtension.class)
class LearningGuardIT {

  private static final String POLICY = "guard";
  private static final List<String> EXPERTS = LearningTraffic.EXPERTS;
  private static final int BEFORE = 200;
  private static final int AFTER = 10;
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final StackEndpoints stack;

  LearningGuardIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void poisonIsDeadLetteredANanCostPublishesNothingNonFiniteAndARestartContinuesFromTheWeights(
      @TempDir Path dir) throws Exception {
    int metricsPort;
    try (ServerSocket free = new ServerSocket(0)) {
      metricsPort = free.getLocalPort();
    }
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(
                null,
                Map.ofEntries(
                    Map.entry(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("guard") + "-"),
                    Map.entry(GatestreamConfig.EXPERTS, String.join(",", EXPERTS)),
                    // The default bandit gate, so the ridge learner, whose snapshot carries its
                    // variances and counts.
                    Map.entry(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "20"),
                    Map.entry(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "500"),
                    Map.entry(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "500"),
                    Map.entry(
                        GatestreamConfig.METRICS_ADAPTATION_PORT, String.valueOf(metricsPort))));
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(TestNames.unique("guard-admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(EXPERTS));
    }
    Path checkpoints = dir.resolve("checkpoints");

    RoutingWeights before;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        LearningTraffic traffic = new LearningTraffic(clients, topics, serdes, POLICY)) {
      try (AdaptationRunner job =
          AdaptationRunner.start(
              config, stack.bootstrapServers(), stack.registryUrl(), checkpoints)) {
        Map<String, byte[]> poison = feedbackPoison(topics, serdes);
        traffic.raw(topics.feedback().name(), poison);
        // alpha is good and beta poor; one of alpha's calls reports a NaN cost.
        for (int i = 0; i < BEFORE; i++) {
          traffic.request("before-" + i, 0.9, 0.2, i == BEFORE / 2 ? Double.NaN : 0.001);
        }
        before =
            Await.until(
                "weights learned from all " + BEFORE + " requests",
                WAIT,
                () ->
                    newest(clients, topics, serdes)
                        .filter(weights -> weights.getExamples() == BEFORE));
        double rejected =
            Await.until(
                "the NaN cost counted",
                WAIT,
                () ->
                    Optional.of(
                            scrape(
                                metricsPort,
                                "flink_taskmanager_job_task_operator_gatestream_reason_outcomesRejected",
                                "reason=\"nonFiniteCost\""))
                        .filter(count -> count >= 1));
        assertThat(rejected).isEqualTo(1);
        assertDeadLettered(clients, topics, topics.feedback().name(), poison);
        // The next run must not re-read what this one learned: wait until its offsets are
        // committed.
        Await.untilTrue(
            "the job's offsets committed to the end of its inputs",
            WAIT,
            () -> committedToTheEnd(clients, topics));
      }
      List<RoutingWeights> published = all(clients, topics, serdes);
      assertThat(published)
          .as("snapshots before the restart")
          .hasSizeGreaterThanOrEqualTo(BEFORE / 20);
      assertThat(published).allSatisfy(LearningGuardIT::assertFinite);
      double[] biasBefore = bias(before);
      assertThat(biasBefore[0]).as("alpha's level").isCloseTo(0.9, within(0.02));
      assertThat(biasBefore[1]).as("beta's level").isCloseTo(0.2, within(0.02));

      Path namespace = checkpoints.resolve(clients.ids().adaptation());
      assertThat(checkpointsUnder(namespace))
          .as("checkpoints in the deployment's own directory")
          .isNotEmpty();
      deleteRecursively(checkpoints);

      try (AdaptationRunner job =
          AdaptationRunner.start(
              config, stack.bootstrapServers(), stack.registryUrl(), checkpoints)) {
        // The experts swap places: a learner that started over would follow at once.
        for (int i = 0; i < AFTER; i++) {
          traffic.request("after-" + i, 0.1, 0.8, 0.001);
        }
        long versionBefore = before.getVersion();
        RoutingWeights after =
            Await.until(
                "weights published after the restart",
                WAIT,
                () ->
                    all(clients, topics, serdes).stream()
                        .filter(weights -> weights.getVersion() > versionBefore)
                        .min(Comparator.comparingLong(RoutingWeights::getVersion)));
        double[] biasAfter = bias(after);
        System.out.printf(
            "before v%d from %d examples, bias %.3f %.3f; first after restart v%d from %d examples,"
                + " bias %.3f %.3f%n",
            before.getVersion(),
            before.getExamples(),
            biasBefore[0],
            biasBefore[1],
            after.getVersion(),
            after.getExamples(),
            biasAfter[0],
            biasAfter[1]);

        assertThat(after.getExamples()).isGreaterThan(BEFORE).isLessThanOrEqualTo(BEFORE + AFTER);
        assertFinite(after);
        // Against 200 examples' worth of evidence, ten new ones move the levels by about 0.05; a
        // learner
        // that started from the prior would be near 0.15 and 0.75.
        assertThat(biasAfter[0]).isCloseTo(biasBefore[0], within(0.1)).isGreaterThan(0.7);
        assertThat(biasAfter[1]).isCloseTo(biasBefore[1], within(0.1)).isLessThan(0.4);
        assertThat(after.getParameters().get("n"))
            .allSatisfy(n -> assertThat(n).isGreaterThan(BEFORE - 2.0));
      }
    }
  }

  /** Feedback records the job cannot read, by key; the keys name the dead letters' reasons. */
  private static Map<String, byte[]> feedbackPoison(Topics topics, RegistrySerdes serdes) {
    long now = System.currentTimeMillis();
    byte[] aFeedback =
        serdes
            .valueSerde(topics.feedback())
            .serializer()
            .serialize(
                topics.feedback().name(),
                Feedback.newBuilder()
                    .setRequestId("poison")
                    .setReward(1.0)
                    .setObservedAtMs(now)
                    .build());
    byte[] aDecision =
        serdes
            .valueSerde(topics.decisions())
            .serializer()
            .serialize(
                topics.decisions().name(),
                RoutingDecision.newBuilder()
                    .setRequestId("poison")
                    .setPolicy(POLICY)
                    .setPolicyVersion(0)
                    .setChosen(List.of())
                    .setDeadlineMs(now)
                    .setRequestCreatedAtMs(now)
                    .setDecidedAtMs(now)
                    .build());
    byte[] garbage = new byte[200];
    new Random(7).nextBytes(garbage);
    Map<String, byte[]> poison = new LinkedHashMap<>();
    poison.put("fb-garbage", garbage);
    poison.put("fb-other-type", aDecision);
    poison.put(
        "fb-unknown-id",
        ByteBuffer.allocate(13).put((byte) 0).putLong(Long.MAX_VALUE - 7).putInt(42).array());
    poison.put("fb-truncated", Arrays.copyOf(aFeedback, aFeedback.length / 2));
    poison.put("fb-tombstone", null);
    poison.put("fb-empty", new byte[0]);
    return poison;
  }

  private static final Map<String, String> POISON_REASONS =
      Map.of(
          "fb-garbage", "Unknown magic byte!",
          "fb-other-type", ".*RoutingDecision.*Feedback.*",
          "fb-unknown-id", "No content with id/hash 'contentId-2147483647' was found\\.",
          "fb-truncated", "java\\.io\\.EOFException",
          "fb-tombstone", "an empty record",
          "fb-empty", "(?!null$).+");

  /** Each poison record has one dead letter from the job, with its reason, source and size. */
  private static void assertDeadLettered(
      KafkaClients clients, Topics topics, String source, Map<String, byte[]> poison) {
    Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> dlq =
        PipelineFixture.deadLetterReader(clients, topics, TestNames.unique("guard-dlq"))) {
      Await.untilTrue(
          poison.size() + " dead letters",
          WAIT,
          () -> {
            for (ConsumerRecord<byte[], byte[]> record : dlq.poll(Duration.ofMillis(200))) {
              letters.merge(
                  new String(record.key(), StandardCharsets.UTF_8),
                  record,
                  (first, again) -> first);
            }
            return letters.keySet().containsAll(poison.keySet());
          });
    }
    poison.forEach(
        (key, value) -> {
          ConsumerRecord<byte[], byte[]> letter = letters.get(key);
          System.out.println(
              "dead letter '"
                  + key
                  + "': "
                  + PipelineFixture.header(letter, GatestreamHeaders.DLQ_REASON));
          assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_REASON))
              .as(key)
              .matches("cannot read feedback: " + POISON_REASONS.get(key));
          assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_STAGE))
              .as(key)
              .isEqualTo("adaptation");
          assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_SOURCE_TOPIC))
              .as(key)
              .isEqualTo(source);
          assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_ORIGINAL_SIZE))
              .as(key)
              .isEqualTo(String.valueOf(value == null ? 0 : value.length));
          assertThat(letter.value()).as(key).isEqualTo(value);
        });
  }

  private static double[] bias(RoutingWeights weights) {
    assertThat(weights.getExperts()).startsWith("alpha", "beta");
    return weights.getParameters().get("b").stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void assertFinite(RoutingWeights weights) {
    weights
        .getParameters()
        .forEach(
            (name, values) ->
                assertThat(values)
                    .as("v%d %s", weights.getVersion(), name)
                    .allSatisfy(value -> assertThat(value).isFinite()));
  }

  private static Optional<RoutingWeights> newest(
      KafkaClients clients, Topics topics, RegistrySerdes serdes) {
    return all(clients, topics, serdes).stream()
        .max(Comparator.comparingLong(RoutingWeights::getVersion));
  }

  /** Every committed snapshot on the routing-weights topic, in offset order. */
  private static List<RoutingWeights> all(
      KafkaClients clients, Topics topics, RegistrySerdes serdes) {
    List<RoutingWeights> snapshots = new ArrayList<>();
    try (KafkaConsumer<String, RoutingWeights> consumer =
        clients.consumer(
            TestNames.unique("guard-weights"),
            null,
            Map.of(),
            serdes.keySerde(topics.routingWeights()).deserializer(),
            serdes.valueSerde(topics.routingWeights()).deserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topics.routingWeights().name()).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream()
          .anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
        for (ConsumerRecord<String, RoutingWeights> record :
            consumer.poll(Duration.ofMillis(200))) {
          snapshots.add(record.value());
        }
      }
    }
    return snapshots;
  }

  /**
   * Whether the job's consumer group has committed every partition of its three inputs to its end.
   */
  private static boolean committedToTheEnd(KafkaClients clients, Topics topics) throws Exception {
    try (Admin admin = clients.admin(TestNames.unique("guard-offsets"))) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(clients.ids().adaptation())
              .partitionsToOffsetAndMetadata()
              .get();
      List<String> inputs =
          List.of(
              topics.decisions().name(), topics.expertResults().name(), topics.feedback().name());
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (String topic : inputs) {
        admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .forEach(
                partition ->
                    latest.put(
                        new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
      }
      var ends = admin.listOffsets(latest).all().get();
      return ends.entrySet().stream()
          .allMatch(
              end ->
                  end.getValue().offset() == 0
                      || committed.containsKey(end.getKey())
                          && committed.get(end.getKey()).offset() == end.getValue().offset());
    }
  }

  private static List<Path> checkpointsUnder(Path directory) throws Exception {
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(directory, 3)) {
      return files.filter(path -> path.getFileName().toString().equals("_metadata")).toList();
    }
  }

  private static void deleteRecursively(Path directory) throws Exception {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The first sample of metric whose labels contain label, or -1 when there is none. */
  private static double scrape(int port, String metric, String label) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5))
            .build();
    String body =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
    Matcher sample =
        Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
            .matcher(body);
    while (sample.find()) {
      if (sample.group(1).contains(label)) {
        return Double.parseDouble(sample.group(2));
      }
    }
    return -1;
  }
}
