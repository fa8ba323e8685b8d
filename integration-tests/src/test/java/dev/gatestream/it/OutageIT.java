package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.experts.ExpertWorker;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.StackOutages;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.topics.GatestreamHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped registry, then a stopped broker, for 30 s each, while requests keep coming, on a real
 * broker and registry: nothing good is dead-lettered, every stage (the adaptation job too) comes
 * back by itself, every request is fused once, complete, and the feedback on each is learned once.
 *
 * <p>The serdes cache schema ids, so a registry outage only matters for an id not read before:
 * during it, requests are also written with a schema id the router has never seen (the same schema
 * registered anew with another doc, so another content id). The router must wait for the registry
 * instead of dead-lettering them, and can only read them after the restart if the registry kept
 * that schema: this also shows that its storage survives a restart.
 */
@ExtendWith(GatestreamStackExtension.class)
class OutageIT {

  private static final Duration OUTAGE = Duration.ofSeconds(30);
  // Long enough for every request to outlive both outages: none may be answered by its deadline.
  private static final Duration DEADLINE = Duration.ofMinutes(5);
  private static final Duration BACK_WITHIN = Duration.ofMinutes(3);

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void aStoppedRegistryThenAStoppedBrokerLoseNothingAndDeadLetterNothingGood(
      StackEndpoints stack, StackOutages outages, @TempDir Path dir) throws Exception {
    Map<String, String> settings =
        Map.of(
            GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "10",
            GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "500",
            GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000",
            GatestreamConfig.METRICS_ADAPTATION_PORT, "-1");
    try (PipelineFixture fixture =
            new PipelineFixture(stack, dir, 2, 200, settings, EnumSet.allOf(Stage.class));
        Results results = new Results(stack, fixture)) {
      Pipeline pipeline = fixture.pipeline;

      fixture.sendRequests(0, 40, DEADLINE);
      results.await(ids(0, 40), () -> false);
      int unseenSchemaId = registerAnew(stack, fixture);

      // 1. The registry stops: what is cached keeps flowing, an unseen schema id waits for it.
      outages.stopRegistry();
      long registryStopped = System.nanoTime();
      fixture.sendRequests(40, 60, DEADLINE);
      results.await(ids(40, 60), () -> false);
      double cachedFlowedWithin = secondsSince(registryStopped);
      sendWithSchemaId(stack, fixture, unseenSchemaId, 60, 70);
      results.collectFor(OUTAGE.minusNanos(System.nanoTime() - registryStopped));
      assertThat(results.fused())
          .as("read without the registry")
          .doesNotContainAnyElementsOf(ids(60, 70));
      outages.restart();
      long registryBack = System.nanoTime();
      double registryDownFor = (registryBack - registryStopped) / 1e9;
      results.await(ids(60, 70), () -> false);
      double routerBackAfterRegistry = secondsSince(registryBack);

      // 2. The broker stops while requests are being sent; it comes back with its data.
      long routedBefore = pipeline.routerMetrics().routed();
      long answeredBefore = answered(pipeline);
      long learnedBefore = results.learned();
      long stopping = System.nanoTime();
      outages.stopBroker();
      long brokerStopped = System.nanoTime();
      double brokerStoppedIn = (brokerStopped - stopping) / 1e9;
      // The id is cached everywhere by now; the client waits for the broker as long as it takes.
      CompletableFuture<Void> sending =
          CompletableFuture.runAsync(
              () -> sendWithSchemaId(stack, fixture, unseenSchemaId, 70, 100));
      results.collectFor(OUTAGE.minusNanos(System.nanoTime() - brokerStopped));
      outages.restart();
      long brokerBack = System.nanoTime();
      double brokerDownFor = (brokerBack - brokerStopped) / 1e9;
      double brokerStartedIn = (brokerBack - brokerStopped) / 1e9 - OUTAGE.toSeconds();
      Map<String, Double> backAfter = new TreeMap<>();
      long[] nextReport = {System.nanoTime()};
      results.await(
          ids(70, 100),
          () -> {
            backIf(
                backAfter, "router", brokerBack, pipeline.routerMetrics().routed() > routedBefore);
            backIf(backAfter, "experts", brokerBack, answered(pipeline) > answeredBefore);
            backIf(backAfter, "fusion", brokerBack, results.anyOf(ids(70, 100)));
            if (System.nanoTime() > nextReport[0]) {
              nextReport[0] += TimeUnit.SECONDS.toNanos(10);
              System.out.printf(
                  "[outage-it] %.0f s after the broker restart: sent %s, routed %d, answered %d,"
                      + " fused %d; %s%n",
                  (System.nanoTime() - brokerBack) / 1e9,
                  sending.isDone(),
                  pipeline.routerMetrics().routed() - routedBefore,
                  answered(pipeline) - answeredBefore,
                  ids(70, 100).stream().filter(results.fused()::contains).count(),
                  pipeline.status());
            }
            return false;
          });
      sending.get(BACK_WITHIN.toSeconds(), TimeUnit.SECONDS);
      Await.untilTrue(
          "the adaptation job learning again",
          BACK_WITHIN,
          () -> {
            results.collectFor(Duration.ofMillis(200));
            backIf(backAfter, "adaptation", brokerBack, results.learned() > learnedBefore);
            return backAfter.containsKey("adaptation");
          });

      // 3. Every request fused once and complete, and learned from once; nothing dead-lettered,
      // every stage running.
      results.collectFor(Duration.ofSeconds(2));
      Await.untilTrue(
          "the feedback on all 100 requests learned", BACK_WITHIN, () -> results.learned() >= 100);
      Map<String, Integer> deadLetters = deadLettersByReason(fixture);
      System.out.printf(
          "outage: %d requests, %d fused, %d duplicated, %d lost, %d examples learned; dead letters"
              + " %s;"
              + " registry down %.1f s (cached ids fused within %.1f s of the stop, router read"
              + " the unseen id %.1f s after the restart);"
              + " broker stopped in %.1f s, down %.1f s (of which %.1f s starting), then back"
              + " (s after the restart): %s%n",
          100,
          results.fused().size(),
          results.duplicates(),
          100 - results.fused().size(),
          results.learned(),
          deadLetters,
          registryDownFor,
          cachedFlowedWithin,
          routerBackAfterRegistry,
          brokerStoppedIn,
          brokerDownFor,
          brokerStartedIn,
          backAfter);
      assertThat(results.fused()).containsAll(ids(0, 100));
      assertThat(results.incomplete()).isEmpty();
      assertThat(results.duplicates()).isZero();
      assertThat(results.learned()).as("examples learned, each request once").isEqualTo(100);
      assertThat(deadLetters).isEmpty();
      assertThat(backAfter).containsOnlyKeys("router", "experts", "fusion", "adaptation");
      assertThat(pipeline.unrecoverable()).isEmpty();
      assertThat(pipeline.stageStates().get("router").state()).isEqualTo("RUNNING");
      assertThat(pipeline.stageStates().get("fusion").state()).isEqualTo("RUNNING");
      assertThat(pipeline.stageStates().get("adaptation").state()).isEqualTo("RUNNING");
    }
  }

  private static long answered(Pipeline pipeline) {
    return pipeline.expertMetrics().values().stream().mapToLong(ExpertWorker.Metrics::ok).sum();
  }

  private static void backIf(Map<String, Double> back, String stage, long since, boolean done) {
    if (done) {
      back.putIfAbsent(stage, secondsSince(since));
    }
  }

  private static double secondsSince(long nanos) {
    return Math.round((System.nanoTime() - nanos) / 1e8) / 10.0;
  }

  private static List<String> ids(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "r" + i).toList();
  }

  /** The request schema registered again with another doc: a content id no stage has read. */
  private static int registerAnew(StackEndpoints stack, PipelineFixture fixture)
      throws IOException, InterruptedException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode schema = (ObjectNode) json.readTree(InferenceRequest.getClassSchema().toString());
    schema.put("doc", "written by OutageIT for " + fixture.topics.requests().name());
    String body = json.writeValueAsString(Map.of("schema", json.writeValueAsString(schema)));
    String subject = fixture.topics.requests().name() + "-outage-value";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            stack.confluentCompatUrl() + "/subjects/" + subject + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body()).get("id").asInt();
  }

  /**
   * Requests r{from}..r{to-1} in the wire format under {@code schemaId}, without the registry; the
   * producer waits up to 5 minutes for the broker.
   */
  private static void sendWithSchemaId(
      StackEndpoints stack, PipelineFixture fixture, int schemaId, int from, int to) {
    KafkaClients clients = new KafkaClients(fixture.config, stack.bootstrapServers());
    SpecificDatumWriter<InferenceRequest> writer =
        new SpecificDatumWriter<>(InferenceRequest.class);
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, byte[]> producer =
        clients.producer(
            TestNames.unique("outage-it-requests"),
            Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (String id : ids(from, to)) {
        InferenceRequest request =
            InferenceRequest.newBuilder()
                .setId(id)
                .setCreatedAtMs(now)
                .setTask("task-1")
                .setText("question number " + id.substring(1))
                .setDeadlineMs(now + DEADLINE.toMillis())
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(request, encoder);
        encoder.flush();
        producer.send(
            new ProducerRecord<>(fixture.topics.requests().name(), id, out.toByteArray()));
      }
      producer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every dead letter of this pipeline, counted by reason. */
  private static Map<String, Integer> deadLettersByReason(PipelineFixture fixture) {
    try (KafkaConsumer<byte[], byte[]> dlq = fixture.deadLetterReader("outage-it-dlq")) {
      Map<TopicPartition, Long> end = dlq.endOffsets(dlq.assignment());
      Map<String, Integer> reasons = new TreeMap<>();
      Await.untilTrue(
          "the dead-letter topic read to its end",
          Duration.ofSeconds(30),
          () -> {
            for (ConsumerRecord<byte[], byte[]> record : dlq.poll(Duration.ofMillis(200))) {
              Header reason = record.headers().lastHeader(GatestreamHeaders.DLQ_REASON);
              reasons.merge(
                  reason == null ? "(none)" : new String(reason.value(), StandardCharsets.UTF_8),
                  1,
                  Integer::sum);
            }
            return end.keySet().stream().allMatch(p -> dlq.position(p) >= end.get(p));
          });
      return reasons;
    }
  }

  /**
   * The fused results read so far, by request id, and how often each came; each new one gets its
   * feedback, as a caller would send it, through outages too.
   */
  private static final class Results implements AutoCloseable {
    private static final long READ_WEIGHTS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final StackEndpoints stack;
    private final PipelineFixture fixture;
    private final KafkaProducer<String, Feedback> feedback;
    private final Map<String, FusedResult> fused = new HashMap<>();
    private int duplicates;
    private long learned;
    private long weightsReadAt = System.nanoTime() - READ_WEIGHTS_EVERY_NANOS;

    Results(StackEndpoints stack, PipelineFixture fixture) {
      this.stack = stack;
      this.fixture = fixture;
      this.feedback =
          new KafkaClients(fixture.config, stack.bootstrapServers())
              .producer(
                  TestNames.unique("outage-it-feedback"),
                  Map.of(
                      ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                      ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000),
                  new StringSerializer(),
                  fixture.serdes.valueSerde(fixture.topics.feedback()).serializer());
    }

    /**
     * Examples in the newest published weights (read at most every 2 s, since the topic is read
     * whole).
     */
    long learned() {
      if (System.nanoTime() - weightsReadAt >= READ_WEIGHTS_EVERY_NANOS) {
        weightsReadAt = System.nanoTime();
        RoutingWeightsTopic.all(stack.bootstrapServers(), fixture.topics, fixture.serdes).stream()
            .mapToLong(RoutingWeights::getExamples)
            .max()
            .ifPresent(examples -> learned = examples);
      }
      return learned;
    }

    @Override
    public void close() {
      feedback.close();
    }

    Set<String> fused() {
      return fused.keySet();
    }

    int duplicates() {
      return duplicates;
    }

    List<String> incomplete() {
      return fused.values().stream()
          .filter(result -> result.getCompleteness() != Completeness.COMPLETE)
          .map(result -> result.getRequestId() + " " + result.getCompleteness())
          .toList();
    }

    boolean anyOf(List<String> ids) {
      return ids.stream().anyMatch(fused::containsKey);
    }

    private void poll() {
      for (FusedResult result : fixture.pollResults()) {
        if (fused.put(result.getRequestId(), result) != null) {
          duplicates++;
          continue;
        }
        Map<String, Double> rewards = new HashMap<>();
        result.getContributors().forEach(expert -> rewards.put(expert, 1.0));
        feedback.send(
            new ProducerRecord<>(
                fixture.topics.feedback().name(),
                result.getRequestId(),
                Feedback.newBuilder()
                    .setRequestId(result.getRequestId())
                    .setReward(1.0)
                    .setExpertRewards(rewards)
                    .setObservedAtMs(System.currentTimeMillis())
                    .build()));
      }
    }

    /** Reads results for {@code duration}: the outage goes on meanwhile. */
    void collectFor(Duration duration) {
      long until = System.nanoTime() + Math.max(0, duration.toNanos());
      while (System.nanoTime() < until) {
        poll();
      }
    }

    /** Reads results until all of {@code ids} are there, checking {@code alsoEachRound}. */
    void await(List<String> ids, BooleanSupplier alsoEachRound) {
      Await.untilTrue(
          ids.size() + " fused results (" + ids.get(0) + "..)",
          BACK_WITHIN,
          () -> {
            poll();
            alsoEachRound.getAsBoolean();
            return fused.keySet().containsAll(ids);
          });
    }
  }
}
