package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data plane as {@code gatestream up} runs it (every stage in one process, provisioned by the
 * app library) serves /metrics and /health, the adaptation job serves its Flink metrics, and every
 * series the Grafana dashboard queries exists in those scrapes once traffic, feedback and a dead
 * letter have flowed.
 */
@ExtendWith(GatestreamStackExtension.class)
class ObservabilityIT {

  private static final Path DASHBOARD =
      Path.of(System.getProperty("gatestream.home", ".."))
          .resolve("deploy/grafana/gatestream.json");

  /** Series names in PromQL: ours, the Kafka clients' and Flink's. */
  private static final Pattern SERIES =
      Pattern.compile("\\b((?:gatestream|kafka|flink)_[A-Za-z0-9_]+)");

  private static final int REQUESTS = 40;

  private final StackEndpoints stack;
  private final HttpClient http = HttpClient.newHttpClient();

  ObservabilityIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void everyStageIsScrapedAndTheDashboardQueriesOnlySeriesThatExist(@TempDir Path dir)
      throws Exception {
    List<String> experts = List.of("org0/model-0.5b", "org1/model-1.5b");
    Path log = dir.resolve("replay.csv");
    SyntheticRoutingLog.write(log, experts, 100, "r", 7);
    int metricsPort = freePort();
    int flinkPort = freePort();
    Map<String, String> values = new HashMap<>();
    values.put(GatestreamConfig.BOOTSTRAP, stack.bootstrapServers());
    values.put(GatestreamConfig.REGISTRY_URL, stack.registryUrl());
    values.put(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("observe") + "-");
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, log.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, dir.resolve("state").toString());
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, dir.resolve("checkpoints").toString());
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000");
    values.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000");
    values.put(GatestreamConfig.METRICS_PORT, String.valueOf(metricsPort));
    values.put(GatestreamConfig.METRICS_ADAPTATION_PORT, String.valueOf(flinkPort));
    GatestreamConfig config = new ConfigLoader(Map.of()).load(null, values);
    Topics topics = Topics.from(config);
    Provisioning provisioning = new Provisioning(new Deployment(config, dir), dir);
    assertThat(provisioning.applyTopics(experts).drifted()).isFalse();
    Set<String> queried = dashboardSeries();

    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Provisioning.Served served =
            provisioning.startStages(provisioning.experts(), EnumSet.allOf(Stage.class), "up");
        RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        KafkaProducer<String, InferenceRequest> requests =
            clients.producer(
                "observe-requests",
                Map.of(),
                new StringSerializer(),
                serdes.valueSerde(topics.requests()).serializer());
        KafkaProducer<String, Feedback> feedback =
            clients.producer(
                "observe-feedback",
                Map.of(),
                new StringSerializer(),
                serdes.valueSerde(topics.feedback()).serializer());
        KafkaProducer<String, byte[]> raw =
            clients.producer(
                "observe-raw", Map.of(), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, FusedResult> results =
            clients.consumer(
                "observe-results",
                TestNames.unique("observe-results"),
                Map.of(),
                new StringDeserializer(),
                serdes.valueSerde(topics.fusedResults()).deserializer())) {
      assertThat(served.metricsPort()).contains(metricsPort);
      results.subscribe(List.of(topics.fusedResults().name()));
      raw.send(
          new ProducerRecord<>(
              topics.requests().name(), "poison", "not avro".getBytes(StandardCharsets.UTF_8)));
      long now = System.currentTimeMillis();
      for (int i = 0; i < REQUESTS; i++) {
        String id = "r" + i;
        requests.send(
            new ProducerRecord<>(
                topics.requests().name(),
                id,
                InferenceRequest.newBuilder()
                    .setId(id)
                    .setCreatedAtMs(now)
                    .setTask("task-" + (i % 5))
                    .setText("question number " + i)
                    .setDeadlineMs(now + 60_000)
                    .build()));
      }
      requests.flush();
      Set<String> fused = new TreeSet<>();
      Await.untilTrue(
          "every request fused",
          Duration.ofMinutes(2),
          () -> {
            for (ConsumerRecord<String, FusedResult> record :
                results.poll(Duration.ofMillis(200))) {
              if (fused.add(record.key())) {
                feedback.send(
                    new ProducerRecord<>(
                        topics.feedback().name(),
                        record.key(),
                        Feedback.newBuilder()
                            .setRequestId(record.key())
                            .setReward(0.5)
                            .setObservedAtMs(System.currentTimeMillis())
                            .build()));
              }
            }
            return fused.size() == REQUESTS;
          });
      feedback.flush();

      // The binders refresh the Kafka clients' meters once a minute, and the job learns at its
      // checkpoints.
      Await.untilTrue(
          "every series the dashboard queries",
          Duration.ofMinutes(3),
          () -> {
            String scraped =
                get(metricsPort, "/metrics").body() + get(flinkPort, "/metrics").body();
            assertThat(queried)
                .as("series the dashboard queries, absent from the scrapes")
                .allSatisfy(
                    series -> assertThat(scraped).containsPattern("(?m)^" + series + "[{ ]"));
            return true;
          });

      String scraped = get(metricsPort, "/metrics").body();
      assertThat(scraped)
          .contains(
              "gatestream_dlq_total{reason=\"unreadable\",service=\"up\",stage=\"router\"} 1.0");
      assertThat(scraped)
          .containsPattern("gatestream_router_requests_total\\{[^}]*\\} " + REQUESTS + "\\.0");
      HttpResponse<String> health = get(metricsPort, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      JsonNode stages = new ObjectMapper().readTree(health.body()).get("stages");
      assertThat(stages.get("router").asText()).isEqualTo("RUNNING");
      assertThat(stages.get("fusion").asText()).isEqualTo("RUNNING");
      assertThat(stages.get("adaptation").asText()).isEqualTo("RUNNING");
      assertThat(stages.get("expert " + experts.get(0)).asText())
          .isEqualTo("1 of 1 workers running");
    }
  }

  /**
   * Every series name the dashboard's queries use, from a dashboard that is valid JSON with panels.
   */
  private static Set<String> dashboardSeries() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    assertThat(dashboard.get("panels")).isNotEmpty();
    Set<String> series = new TreeSet<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        Matcher matcher = SERIES.matcher(target.get("expr").asText());
        while (matcher.find()) {
          series.add(matcher.group(1));
        }
      }
    }
    assertThat(series).hasSizeGreaterThan(15);
    return series;
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
