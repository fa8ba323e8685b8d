package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.gateway.Gateway;
import dev.gatestream.gateway.client.AsyncRequestReplyClient;
import dev.gatestream.gateway.client.ReplyRoute;
import dev.gatestream.gateway.client.RequestReplyClient;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP gateway in front of a real pipeline (router, two replay experts, fusion) on a real
 * broker and registry. One pipeline for the class; the tests after the one that stops an expert
 * rely on it being stopped.
 */
@ExtendWith(GatestreamStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private PipelineFixture fixture;
  private Gateway gateway;

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void startPipelineAndGateway(StackEndpoints stack, @TempDir Path dir) throws Exception {
    // Two experts and top-2 gating: every request goes to both, so stopping one makes all partial.
    fixture = new PipelineFixture(stack, dir, 2, 100, Map.of());
    Map<String, Object> values = new HashMap<>(fixture.config.originals());
    values.put(GatestreamConfig.GATEWAY_PORT, "0");
    gateway =
        Gateway.start(new GatestreamConfig(values), stack.bootstrapServers(), stack.registryUrl());
  }

  @AfterAll
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aRequestInTheLogIsAnsweredCompletely() throws Exception {
    assertThat(gateway.replyTopic()).isEqualTo(fixture.topics.replies(gateway.instanceId()).name());

    HttpResponse<String> response =
        post(
            "/v1/infer",
            "{\"id\": \"r1\", \"text\": \"question number 1\", \"task\": \"task-1\", \"deadlineMs\": 30000,"
                + " \"attributes\": {\"tenant\": \"it\"}}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("requestId").asText()).isEqualTo("r1");
    assertThat(body.get("completeness").asText()).isEqualTo("COMPLETE");
    assertThat(body.get("output").get("type").asText()).isEqualTo("score");
    assertThat(body.get("output").get("value").isNumber()).isTrue();
    assertThat(body.get("contributors"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(fixture.experts);
  }

  @Test
  @Order(1)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void theSameIdSentAgainAfterItsAnswerIsRefused409AtOnce() throws Exception {
    HttpResponse<String> first =
        post(
            "/v1/infer",
            "{\"id\": \"r8\", \"text\": \"question number 8\", \"deadlineMs\": 30000}");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

    HttpResponse<String> again =
        post(
            "/v1/infer",
            "{\"id\": \"r8\", \"text\": \"question number 8\", \"deadlineMs\": 30000}");

    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    assertThat(json.readTree(again.body()).get("error").asText())
        .startsWith("refused by the router: request id 'r8' was already routed");
  }

  @Test
  @Order(1)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aRequestTheRouterDeadLettersIsAnswered400WithTheReasonBeforeItsDeadline() throws Exception {
    long started = System.nanoTime();
    HttpResponse<String> response =
        post("/v1/infer", "{\"id\": \"nothing\", \"deadlineMs\": 600000}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("error").asText())
        .isEqualTo("refused by the router: request has no task, text or features to route on");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  @Order(1)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void healthIsDownWhileThePipelineBehindItReportsAStageInError(StackEndpoints stack)
      throws Exception {
    Map<String, Object> values = new HashMap<>(fixture.config.originals());
    values.put(GatestreamConfig.GATEWAY_PORT, "0");
    AtomicReference<Optional<String>> pipeline = new AtomicReference<>(Optional.empty());
    try (Gateway embedded =
        Gateway.start(
            new GatestreamConfig(values),
            stack.bootstrapServers(),
            stack.registryUrl(),
            pipeline::get)) {
      HttpRequest health = request(embedded, "/v1/health").GET().build();
      assertThat(http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200);
      pipeline.set(Optional.of("router: ERROR"));
      HttpResponse<String> down = http.send(health, HttpResponse.BodyHandlers.ofString());
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(json.readTree(down.body()).get("reason").asText())
          .isEqualTo("pipeline: router: ERROR");
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aKafkaClientGetsTheResultOnTheReplyTopicItNames(StackEndpoints stack) throws Exception {
    KafkaClients clients = new KafkaClients(fixture.config, stack.bootstrapServers());
    // Named as the router allows by default (router.reply.to.pattern): the prefix, then reply-.
    String replyTopic =
        fixture.config.getString(GatestreamConfig.TOPIC_PREFIX) + TestNames.unique("reply-client");
    try (Admin admin = clients.admin("gateway-it-admin")) {
      admin
          .createTopics(List.of(new NewTopic(replyTopic, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    // What 'gatestream request --reply-to' does, as any Kafka-native client would.
    RequestReplyClient.Settings settings =
        new RequestReplyClient.Settings(
            clients.ids().job("request", "it"),
            ReplyRoute.to(replyTopic),
            1,
            Duration.ofMillis(fixture.config.getLong(GatestreamConfig.FUSION_GRACE_MS)));
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        AsyncRequestReplyClient client =
            AsyncRequestReplyClient.open(
                clients, serdes, fixture.topics, settings, Clock.systemUTC(), "gateway-it")) {
      AsyncRequestReplyClient.Call call =
          client.request(
              InferenceRequest.newBuilder().setId("r7").setText("question number 7"), 30_000);
      assertThat(call.request().getReplyTo()).isEqualTo(replyTopic);

      FusedResult result = call.result().get(90, TimeUnit.SECONDS);

      assertThat(result.getRequestId()).isEqualTo("r7");
      assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE);
      assertThat(result.getContributors()).containsExactlyInAnyOrderElementsOf(fixture.experts);
    }
  }

  @Test
  @Order(3)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void malformedJsonIsRefusedWith400() throws Exception {
    HttpResponse<String> response = post("/v1/infer", "{\"id\": \"r2\", ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("error").asText()).startsWith("malformed JSON");
  }

  @Test
  @Order(4)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void healthIsUpAndMetricsCountRequests() throws Exception {
    post("/v1/infer", "{\"deadlineMs\": -1}");

    HttpResponse<String> health = get("/v1/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(json.readTree(health.body()).get("status").asText()).isEqualTo("UP");

    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("gatestream_gateway_requests_total{")
        .contains("status=\"400\"")
        .contains("gatestream_gateway_in_flight")
        .contains("gatestream_gateway_request_latency_seconds_bucket");
  }

  @Test
  @Order(5)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void withAnExpertStoppedTheAnswerIsAPartial504() throws Exception {
    String victim = fixture.experts.get(1);
    fixture.pipeline.stopExpert(victim);

    HttpResponse<String> response =
        post(
            "/v1/infer",
            "{\"id\": \"r3\", \"text\": \"question number 3\", \"task\": \"task-3\", \"deadlineMs\": 2000}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("requestId").asText()).isEqualTo("r3");
    assertThat(body.get("completeness").asText()).isEqualTo("PARTIAL");
    assertThat(body.get("contributors"))
        .extracting(JsonNode::asText)
        .containsExactly(fixture.experts.get(0));
    assertThat(body.get("expertErrors").has(victim)).isTrue();
  }

  @Test
  @Order(6)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void beyondMaxConcurrentRequestsAreRefusedAt503(StackEndpoints stack) throws Exception {
    Map<String, Object> values = new HashMap<>(fixture.config.originals());
    values.put(GatestreamConfig.GATEWAY_PORT, "0");
    values.put(GatestreamConfig.GATEWAY_MAX_CONCURRENT, "1");
    try (Gateway single =
        Gateway.start(
            new GatestreamConfig(values), stack.bootstrapServers(), stack.registryUrl())) {
      // Routed to the stopped expert too, so it stays in flight until its deadline.
      CompletableFuture<HttpResponse<String>> held =
          http.sendAsync(
              request(single, "/v1/infer")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"id\": \"r4\", \"text\": \"question number 4\", \"task\": \"task-4\","
                              + " \"deadlineMs\": 5000}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Await.untilTrue(
          "one request in flight",
          Duration.ofSeconds(30),
          () ->
              http.send(
                      request(single, "/metrics").GET().build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body()
                  .lines()
                  .anyMatch(
                      line ->
                          line.startsWith("gatestream_gateway_in_flight")
                              && line.endsWith(" 1.0")));

      HttpResponse<String> refused =
          http.send(
              request(single, "/v1/infer")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"r5\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(held.get().statusCode()).isEqualTo(504);
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        request(gateway, path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(request(gateway, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(Gateway target, String path) {
    return HttpRequest.newBuilder(target.uri().resolve(path)).timeout(HTTP_TIMEOUT);
  }
}
