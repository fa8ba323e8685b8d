package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.TopicSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalogue of poison on the input topics of the router (requests), fusion (decisions and expert
 * results), an expert worker (its tasks topic) and both streams stages (routing-weights), all sent
 * at once to one pipeline on a real broker and registry: each kind is one line of the table, with
 * the dead letter it must leave (its source topic, its reason, its original size) or the counter it
 * must move; then every stage is still RUNNING and good requests sent after them are answered.
 */
@ExtendWith(GatestreamStackExtension.class)
class PoisonCatalogueIT {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private final StackEndpoints stack;

  PoisonCatalogueIT(StackEndpoints stack) {
    this.stack = stack;
  }

  /** One kind of poison: its key, where it goes, its bytes and the dead letter's reason. */
  private record Poison(String key, String topic, byte[] value, String reason) {}

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyKindIsDeadLetteredWithItsReasonAndEveryStageAnswersAfterwards(@TempDir Path dir)
      throws Exception {
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 2, 100, Map.of())) {
      String prefix = fixture.config.getString(GatestreamConfig.TOPIC_PREFIX);
      GatestreamSerdes serdes = GatestreamSerdes.registry(stack.registryUrl(), true);
      String requests = fixture.topics.requests().name();
      String decisions = fixture.topics.decisions().name();
      String results = fixture.topics.expertResults().name();
      String expert = fixture.experts.get(0);
      String tasks = fixture.topics.expertTasks(expert).name();
      String weights = fixture.topics.routingWeights().name();
      long now = System.currentTimeMillis();

      byte[] aRequest = bytes(serdes, fixture.topics.requests(), request("p-valid", now).build());
      byte[] aResult = bytes(serdes, fixture.topics.expertResults(), result("p-valid", expert));
      byte[] aDecision = bytes(serdes, fixture.topics.decisions(), decision("p-valid", now));
      byte[] aTask =
          bytes(serdes, fixture.topics.expertTasks(expert), task("p-valid", expert, now));
      String readRequest = "cannot read inference request: ";
      String readResult = "cannot read expert result: ";
      String readDecision = "cannot read routing decision: ";
      String readTask = "not an ExpertTask: ";
      String magic = "Unknown magic byte!";
      String unknownId = "No content with id/hash 'contentId-2147483647' was found\\.";
      String truncated = "java\\.io\\.EOFException";
      String empty = "an empty record";

      List<Poison> table = new ArrayList<>();
      // requests -> router
      table.add(new Poison("p-req-garbage", requests, garbage(1), readRequest + magic));
      table.add(
          new Poison(
              "p-req-other-type",
              requests,
              aResult,
              readRequest + cast("ExpertResult", "InferenceRequest")));
      table.add(
          new Poison("p-req-unknown-id", requests, unknownSchemaId(), readRequest + unknownId));
      table.add(new Poison("p-req-truncated", requests, half(aRequest), readRequest + truncated));
      table.add(new Poison("p-req-tombstone", requests, null, readRequest + empty));
      table.add(new Poison("p-req-empty", requests, new byte[0], readRequest + "(?!null$).+"));
      table.add(invalid(fixture, serdes, "p-req-empty-id", request("", now), "request has no id"));
      table.add(
          invalid(fixture, serdes, "p-req-blank-id", request("   ", now), "request has no id"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-no-text",
              request("p-req-no-text", now).setTask(" ").setText(" "),
              "request has no task, text or features to route on"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-long-text",
              request("p-req-long-text", now).setText("y".repeat(100_001)),
              "text of 100001 characters exceeds router.max.text.chars \\(100000\\)"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-many-attributes",
              request("p-req-many-attributes", now)
                  .setAttributes(
                      IntStream.range(0, 65)
                          .boxed()
                          .collect(Collectors.toMap(i -> "a" + i, i -> "v"))),
              "65 attributes exceed router.max.attributes \\(64\\)"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-long-attributes",
              request("p-req-long-attributes", now).setAttributes(Map.of("a", "v".repeat(20_000))),
              "attributes of 20001 characters exceed router.max.attributes.chars \\(16384\\)"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-past-deadline",
              request("p-req-past-deadline", now).setDeadlineMs(now - 60_000),
              "deadline passed \\d+ ms before routing"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-negative-deadline",
              request("p-req-negative-deadline", now).setDeadlineMs(-1),
              "deadline passed \\d+ ms before routing"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-1mb",
              request("p-req-1mb", now).setAttributes(Map.of("blob", "x".repeat(1_000_000))),
              "request of 1000\\d{3} bytes exceeds router.max.request.bytes \\(524288\\)"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-reply-missing",
              request("p-req-reply-missing", now).setReplyTo(prefix + "reply-missing"),
              "replyTo '" + prefix + "reply-missing' does not exist"));
      table.add(
          invalid(
              fixture,
              serdes,
              "p-req-reply-internal",
              request("p-req-reply-internal", now).setReplyTo(weights),
              "replyTo '" + weights + "' is one of Gatestream's own topics"));
      // The same id again, within the dedupe window (its first copy is sent before the table).
      byte[] repeated = bytes(serdes, fixture.topics.requests(), request("p-req-dup", now).build());
      table.add(
          new Poison(
              "p-req-dup",
              requests,
              repeated,
              "request id 'p-req-dup' was already routed \\d+ ms ago; ids must be unique within"
                  + " router.dedupe.window.ms \\(600000\\)"));
      // decisions -> fusion
      table.add(new Poison("p-dec-garbage", decisions, garbage(2), readDecision + magic));
      table.add(
          new Poison(
              "p-dec-other-type",
              decisions,
              aResult,
              readDecision + "a record of type ExpertResult"));
      table.add(
          new Poison("p-dec-unknown-id", decisions, unknownSchemaId(), readDecision + unknownId));
      table.add(
          new Poison("p-dec-truncated", decisions, half(aDecision), readDecision + truncated));
      table.add(new Poison("p-dec-tombstone", decisions, null, readDecision + empty));
      // expert-results -> fusion
      table.add(new Poison("p-res-garbage", results, garbage(3), readResult + magic));
      table.add(
          new Poison(
              "p-res-other-type",
              results,
              aRequest,
              readResult + "a record of type InferenceRequest"));
      table.add(new Poison("p-res-unknown-id", results, unknownSchemaId(), readResult + unknownId));
      table.add(new Poison("p-res-truncated", results, half(aResult), readResult + truncated));
      table.add(new Poison("p-res-tombstone", results, null, readResult + empty));
      ExpertResult stale = result("p-res-unknown-request", expert);
      stale.setDeadlineMs(now - 600_000);
      table.add(
          new Poison(
              "p-res-unknown-request",
              results,
              bytes(serdes, fixture.topics.expertResults(), stale),
              "no routing decision by the request's deadline \\+ fusion.grace.ms \\(record time\\)"));
      // the expert's tasks -> its worker
      table.add(new Poison("p-task-garbage", tasks, garbage(5), readTask + magic));
      table.add(
          new Poison(
              "p-task-other-type", tasks, aResult, readTask + cast("ExpertResult", "ExpertTask")));
      table.add(new Poison("p-task-unknown-id", tasks, unknownSchemaId(), readTask + unknownId));
      table.add(new Poison("p-task-truncated", tasks, half(aTask), readTask + truncated));
      table.add(new Poison("p-task-tombstone", tasks, null, "empty task record"));
      String other = fixture.experts.get(1);
      table.add(
          new Poison(
              "p-task-other-expert",
              tasks,
              bytes(
                  serdes,
                  fixture.topics.expertTasks(expert),
                  task("p-task-other-expert", other, now)),
              "a task for expert '" + other + "' on the task topic of '" + expert + "'"));

      // Unreadable weights under the policy's own key are skipped and counted by both stages.
      String policy = fixture.config.getString(GatestreamConfig.ROUTER_POLICY);
      List<byte[]> badWeights = List.of(garbage(4), unknownSchemaId(), half(aRequest), aRequest);

      KafkaClients clients = new KafkaClients(fixture.config, stack.bootstrapServers());
      try (KafkaProducer<String, byte[]> raw =
          clients.producer(
              "poison-catalogue-raw",
              Map.of(),
              new StringSerializer(),
              new ByteArraySerializer())) {
        raw.send(new ProducerRecord<>(requests, "p-req-dup", repeated)).get();
        for (byte[] value : badWeights) {
          raw.send(new ProducerRecord<>(weights, policy, value)).get();
        }
        for (Poison poison : table) {
          raw.send(new ProducerRecord<>(poison.topic(), poison.key(), poison.value()));
        }
        // Two copies of one result before its decision: the second is counted, not kept.
        byte[] copy = bytes(serdes, fixture.topics.expertResults(), result("p-res-dup", expert));
        raw.send(new ProducerRecord<>(results, "p-res-dup", copy));
        raw.send(new ProducerRecord<>(results, "p-res-dup", copy)).get();
      }
      fixture.sendRequests(0, 20, DEADLINE);

      Map<String, FusedResult> fused = awaitFused(fixture, ids(0, 20));
      assertThat(fused.values())
          .allSatisfy(
              result ->
                  assertThat(result.getCompleteness())
                      .as(result.getRequestId())
                      .isEqualTo(Completeness.COMPLETE));

      Map<String, ConsumerRecord<byte[], byte[]>> letters =
          deadLetters(fixture, table.stream().map(Poison::key).collect(Collectors.toSet()));
      for (Poison poison : table) {
        ConsumerRecord<byte[], byte[]> letter = letters.get(poison.key());
        assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_REASON))
            .as(poison.key())
            .matches(poison.reason());
        assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_SOURCE_TOPIC))
            .as(poison.key())
            .isEqualTo(poison.topic());
        if (!poison.key().equals("p-res-unknown-request")) {
          assertThat(PipelineFixture.header(letter, GatestreamHeaders.DLQ_ORIGINAL_SIZE))
              .as(poison.key())
              .isEqualTo(String.valueOf(poison.value() == null ? 0 : poison.value().length));
        }
      }
      assertThat(fixture.pipeline.routerMetrics().unreadableWeights()).isEqualTo(badWeights.size());
      assertThat(fixture.pipeline.fusionMetrics().unreadableWeights()).isEqualTo(badWeights.size());
      assertThat(fixture.pipeline.fusionMetrics().duplicateResults()).isEqualTo(1);
      fixture
          .pipeline
          .stageStates()
          .forEach(
              (stage, state) -> {
                assertThat(state.healthy()).as(stage + " " + state).isTrue();
                assertThat(state.terminal()).as(stage + " " + state).isFalse();
              });
      assertThat(fixture.pipeline.stageStates().get("router").state()).isEqualTo("RUNNING");
      assertThat(fixture.pipeline.stageStates().get("fusion").state()).isEqualTo("RUNNING");
      assertThat(fixture.pipeline.stageStates())
          .containsKeys("expert " + expert, "expert " + other);
    }
  }

  private static InferenceRequest.Builder request(String id, long now) {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(now)
        .setTask("task-1")
        .setText("a question")
        .setDeadlineMs(now + DEADLINE.toMillis());
  }

  private static ExpertResult result(String id, String expert) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(new Score(1.0))
        .setLatencyMs(1)
        .setCompletedAtMs(System.currentTimeMillis())
        .setDeadlineMs(System.currentTimeMillis() + DEADLINE.toMillis())
        .build();
  }

  /** Valid and complete, choosing no expert. */
  private static RoutingDecision decision(String id, long now) {
    return RoutingDecision.newBuilder()
        .setRequestId(id)
        .setPolicy("p")
        .setPolicyVersion(0)
        .setChosen(List.of())
        .setCandidatePropensities(Map.of())
        .setDeadlineMs(now + DEADLINE.toMillis())
        .setRequestCreatedAtMs(now)
        .setAttributes(Map.of())
        .setDecidedAtMs(now)
        .build();
  }

  private static Poison invalid(
      PipelineFixture fixture,
      GatestreamSerdes serdes,
      String key,
      InferenceRequest.Builder request,
      String reason) {
    byte[] value = bytes(serdes, fixture.topics.requests(), request.build());
    return new Poison(key, fixture.topics.requests().name(), value, reason);
  }

  private static ExpertTask task(String id, String expert, long now) {
    return ExpertTask.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setRequest(request(id, now).build())
        .setGateWeight(1.0)
        .setPolicyVersion(0)
        .setIssuedAtMs(now)
        .build();
  }

  private static <V> byte[] bytes(GatestreamSerdes serdes, TopicSpec<String, V> topic, V value) {
    return serdes.valueSerde(topic).serializer().serialize(topic.name(), value);
  }

  /** The reason a serde that decoded the writer's type gives for a record of the wrong one. */
  private static String cast(String found, String expected) {
    return "class dev\\.gatestream\\.contracts\\."
        + found
        + " cannot be cast to class dev\\.gatestream\\.contracts\\."
        + expected
        + " .*";
  }

  private static byte[] garbage(int seed) {
    byte[] bytes = new byte[200];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The wire format's magic byte, then a schema id the registry has never given out. */
  private static byte[] unknownSchemaId() {
    return ByteBuffer.allocate(13).put((byte) 0).putLong(Long.MAX_VALUE - 7).putInt(42).array();
  }

  private static byte[] half(byte[] bytes) {
    return Arrays.copyOf(bytes, bytes.length / 2);
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

  /** The dead letters by key, once there is one for each of {@code keys}. */
  private Map<String, ConsumerRecord<byte[], byte[]>> deadLetters(
      PipelineFixture fixture, Set<String> keys) {
    try (KafkaConsumer<byte[], byte[]> dlq = fixture.deadLetterReader("poison-catalogue-dlq")) {
      Map<String, ConsumerRecord<byte[], byte[]>> letters = new HashMap<>();
      try {
        return Await.until(
            keys.size() + " dead letters",
            Duration.ofMinutes(1),
            () -> {
              for (ConsumerRecord<byte[], byte[]> record : dlq.poll(Duration.ofMillis(200))) {
                String key =
                    record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                letters.putIfAbsent(key, record);
              }
              return letters.keySet().containsAll(keys) ? Optional.of(letters) : Optional.empty();
            });
      } finally {
        letters.forEach(
            (key, record) ->
                System.out.println(
                    "dead letter '"
                        + key
                        + "': "
                        + PipelineFixture.header(record, GatestreamHeaders.DLQ_REASON)));
      }
    }
  }
}
