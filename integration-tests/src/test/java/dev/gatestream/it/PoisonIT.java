package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.CleanupPolicy;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each record that used to wedge the router or fusion on a real broker and registry, then good
 * requests: every poison is dead-lettered (or, where that is the rule, clamped or skipped and
 * counted), every good request is fused, both stages stay RUNNING, and a restart over the poison
 * left on the compacted routing-weights topic comes back RUNNING and answers.
 */
@ExtendWith(GatestreamStackExtension.class)
class PoisonIT {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final StackEndpoints stack;

  PoisonIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void noSingleRecordWedgesTheRouterOrFusion(@TempDir Path dir) throws Exception {
    String prefix;
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 2, 100, Map.of())) {
      prefix = fixture.config.getString(GatestreamConfig.TOPIC_PREFIX);
      KafkaClients clients = new KafkaClients(fixture.config, stack.bootstrapServers());
      GatestreamSerdes serdes = GatestreamSerdes.registry(stack.registryUrl(), true);
      String clientReplies = prefix + "reply-poison-it";
      try (Admin admin = clients.admin("poison-it-admin")) {
        TopicSpec<?, ?> replies =
            new TopicSpec<>(
                clientReplies,
                String.class,
                FusedResult.class,
                1,
                (short) 1,
                CleanupPolicy.DELETE,
                Map.of());
        new TopicApplier(admin, Duration.ofSeconds(30)).apply(List.of(replies));
      }

      try (KafkaProducer<String, InferenceRequest> requests =
              clients.producer(
                  "poison-it-requests",
                  Map.of(),
                  new StringSerializer(),
                  serdes.valueSerde(fixture.topics.requests()).serializer());
          KafkaProducer<String, ExpertResult> results =
              clients.producer(
                  "poison-it-results",
                  Map.of(),
                  new StringSerializer(),
                  serdes.valueSerde(fixture.topics.expertResults()).serializer());
          KafkaProducer<String, byte[]> raw =
              clients.producer(
                  "poison-it-raw", Map.of(), new StringSerializer(), new ByteArraySerializer())) {
        // (4) 200 garbage bytes on the compacted weights topic, under the policy's own key.
        byte[] garbage = new byte[200];
        new Random(4).nextBytes(garbage);
        raw.send(
                new ProducerRecord<>(
                    fixture.topics.routingWeights().name(),
                    fixture.config.getString(GatestreamConfig.ROUTER_POLICY),
                    garbage))
            .get();
        // (1) A valid request whose attributes bring it to ~1 MB.
        send(
            requests,
            fixture,
            request("r90").setAttributes(Map.of("blob", "x".repeat(1_000_000))).build());
        // (2) A reply-to topic that does not exist.
        send(requests, fixture, request("r91").setReplyTo(prefix + "reply-missing").build());
        // (3) A reply-to topic that is one of our own.
        send(
            requests,
            fixture,
            request("r92").setReplyTo(fixture.topics.routingWeights().name()).build());
        // A deadline in year 9999: clamped to router.max.deadline.ms, then answered as usual.
        send(requests, fixture, request("r93").setDeadlineMs(253_402_300_799_000L).build());
        // A result from an expert no decision chose.
        send(requests, fixture, request("r94").build());
        results
            .send(
                new ProducerRecord<>(
                    fixture.topics.expertResults().name(),
                    "r94",
                    ExpertResult.newBuilder()
                        .setRequestId("r94")
                        .setExpert("made-up/expert")
                        .setStatus(ResultStatus.OK)
                        .setOutput(new Score(1.0))
                        .setLatencyMs(1)
                        .setCompletedAtMs(System.currentTimeMillis())
                        .build()))
            .get();
        // A reply-to topic created after fusion started: the result gets there.
        send(requests, fixture, request("r95").setReplyTo(clientReplies).build());
      }
      fixture.sendRequests(0, 20, DEADLINE);

      List<String> answered = new ArrayList<>(List.of("r93", "r94", "r95"));
      answered.addAll(ids(0, 20));
      Map<String, FusedResult> fused = awaitFused(fixture, answered);
      assertThat(fused.values())
          .allSatisfy(
              result ->
                  assertThat(result.getCompleteness())
                      .as(result.getRequestId())
                      .isEqualTo(Completeness.COMPLETE));

      Map<String, String> reasons = deadLetterReasons(fixture, 4);
      assertThat(reasons.get("r90"))
          .matches(
              "request of 1000\\d{3} bytes exceeds router.max.request.bytes" + " \\(524288\\)");
      assertThat(reasons.get("r91"))
          .isEqualTo("replyTo '" + prefix + "reply-missing' does not exist");
      assertThat(reasons.get("r92"))
          .isEqualTo(
              "replyTo '"
                  + fixture.topics.routingWeights().name()
                  + "' is one of Gatestream's own topics");
      assertThat(reasons.get("r94"))
          .isEqualTo(
              "result of expert 'made-up/expert', which the routing decision" + " did not choose");

      Pipeline pipeline = fixture.pipeline;
      assertThat(pipeline.routerMetrics().clampedDeadlines()).isEqualTo(1);
      assertThat(pipeline.routerMetrics().unreadableWeights()).isEqualTo(1);
      assertThat(pipeline.fusionMetrics().unreadableWeights()).isEqualTo(1);
      assertRunning(pipeline);
      assertThat(readReply(fixture, clientReplies).getRequestId()).isEqualTo("r95");
    }

    // The garbage is still on the compacted topic: a restart reads it again, skips it, and answers.
    Map<String, String> samePrefix = Map.of(GatestreamConfig.TOPIC_PREFIX, prefix);
    try (PipelineFixture restarted = new PipelineFixture(stack, dir, 2, 100, samePrefix)) {
      assertRunning(restarted.pipeline);
      assertThat(restarted.pipeline.routerMetrics().unreadableWeights()).isEqualTo(1);
      assertThat(restarted.pipeline.fusionMetrics().unreadableWeights()).isEqualTo(1);
      restarted.sendRequests(20, 40, DEADLINE);
      Map<String, FusedResult> fused = awaitFused(restarted, ids(20, 40));
      assertThat(fused.values())
          .allSatisfy(
              result -> assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE));
      assertRunning(restarted.pipeline);
    }
  }

  private static InferenceRequest.Builder request(String id) {
    long now = System.currentTimeMillis();
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(now)
        .setTask("task-1")
        .setText("question number " + id.substring(1))
        .setDeadlineMs(now + DEADLINE.toMillis());
  }

  private static void send(
      KafkaProducer<String, InferenceRequest> producer,
      PipelineFixture fixture,
      InferenceRequest request)
      throws Exception {
    producer
        .send(new ProducerRecord<>(fixture.topics.requests().name(), request.getId(), request))
        .get();
  }

  private static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
  }

  private static Map<String, FusedResult> awaitFused(PipelineFixture fixture, List<String> ids) {
    Set<String> wanted = Set.copyOf(ids);
    Map<String, FusedResult> fused = new HashMap<>();
    Await.untilTrue(
        wanted.size() + " fused results",
        Duration.ofMinutes(2),
        () -> {
          fixture.pollResults().stream()
              .filter(result -> wanted.contains(result.getRequestId()))
              .forEach(result -> fused.put(result.getRequestId(), result));
          return fused.keySet().containsAll(wanted);
        });
    return fused;
  }

  /** The dead letters' reasons by key, once there are {@code count} of them. */
  private Map<String, String> deadLetterReasons(PipelineFixture fixture, int count) {
    try (KafkaConsumer<byte[], byte[]> dlq = fixture.deadLetterReader("poison-it-dlq")) {
      Map<String, String> reasons = new HashMap<>();
      return Await.until(
          count + " dead letters",
          Duration.ofMinutes(1),
          () -> {
            for (ConsumerRecord<byte[], byte[]> record : dlq.poll(Duration.ofMillis(200))) {
              reasons.put(
                  new String(record.key(), StandardCharsets.UTF_8),
                  new String(
                      record.headers().lastHeader(GatestreamHeaders.DLQ_REASON).value(),
                      StandardCharsets.UTF_8));
            }
            return reasons.size() >= count ? Optional.of(reasons) : Optional.empty();
          });
    }
  }

  private FusedResult readReply(PipelineFixture fixture, String topic) {
    KafkaClients clients = new KafkaClients(fixture.config, stack.bootstrapServers());
    try (KafkaConsumer<String, FusedResult> replies =
        clients.consumer(
            "poison-it-replies",
            null,
            Map.of(),
            new StringDeserializer(),
            GatestreamSerdes.registry(stack.registryUrl(), true)
                .valueSerde(fixture.topics.fusedResults())
                .deserializer())) {
      TopicPartition partition = new TopicPartition(topic, 0);
      replies.assign(List.of(partition));
      replies.seekToBeginning(List.of(partition));
      return Await.until(
          "the reply on " + topic,
          Duration.ofSeconds(30),
          () -> {
            for (ConsumerRecord<String, FusedResult> record :
                replies.poll(Duration.ofMillis(200))) {
              return Optional.of(record.value());
            }
            return Optional.empty();
          });
    }
  }

  private static void assertRunning(Pipeline pipeline) {
    assertThat(pipeline.stageStates().get("router").state()).isEqualTo("RUNNING");
    assertThat(pipeline.stageStates().get("fusion").state()).isEqualTo("RUNNING");
  }
}
