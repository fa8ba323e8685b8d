package dev.gatestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.gateway.client.DuplicateRequestException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP side of the gateway over a pipeline the test plays. */
@Timeout(60)
class GatewayHttpTest {

  private record Call(
      InferenceRequest.Builder request, long deadlineMs, CompletableFuture<FusedResult> result) {}

  /** Hands each request to the test, which completes its future as the pipeline would. */
  private static final class PlayedInference implements Inference {
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    volatile boolean healthy = true;

    @Override
    public CompletableFuture<FusedResult> infer(InferenceRequest.Builder request, long deadlineMs) {
      if (!inFlight.add(request.getId())) {
        throw new DuplicateRequestException(request.getId());
      }
      CompletableFuture<FusedResult> result = new CompletableFuture<>();
      calls.add(new Call(request, deadlineMs, result));
      return result;
    }

    @Override
    public boolean healthy() {
      return healthy;
    }

    Call next() throws InterruptedException {
      Call call = calls.poll(30, TimeUnit.SECONDS);
      assertThat(call).as("a request reached the pipeline").isNotNull();
      return call;
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final PlayedInference inference = new PlayedInference();
  private final GatewayMetrics metrics = new GatewayMetrics("test");
  private GatewayHttp gateway;

  private GatewayHttp start(int maxConcurrent) throws Exception {
    gateway =
        new GatewayHttp(
            new GatewayHttp.Settings("127.0.0.1", 0, maxConcurrent, 5_000), inference, metrics);
    return gateway;
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    metrics.close();
  }

  private static FusedResult fused(String id, Completeness completeness) {
    return FusedResult.newBuilder()
        .setRequestId(id)
        .setOutput(new Score(0.75))
        .setStrategy("mean")
        .setContributors(List.of("a"))
        .setExpected(List.of("a", "b"))
        .setExpertErrors(
            completeness == Completeness.COMPLETE ? Map.of() : Map.of("b", "no answer"))
        .setCompleteness(completeness)
        .setLatencyMs(12)
        .setEmittedAtMs(1)
        .build();
  }

  private CompletableFuture<HttpResponse<String>> post(String body) {
    return http.sendAsync(
        HttpRequest.newBuilder(gateway.uri().resolve("/v1/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(gateway.uri().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode body(HttpResponse<String> response) throws Exception {
    return json.readTree(response.body());
  }

  @Test
  void aCompleteResultIs200WithTheResultAsJson() throws Exception {
    start(10);
    CompletableFuture<HttpResponse<String>> response =
        post(
            "{\"id\": \"r1\", \"text\": \"hello\", \"deadlineMs\": 300, \"attributes\": {\"tenant\": \"t\"}}");

    Call call = inference.next();
    assertThat(call.request().getId()).isEqualTo("r1");
    assertThat(call.request().getText()).isEqualTo("hello");
    assertThat(call.request().getAttributes()).isEqualTo(Map.of("tenant", "t"));
    assertThat(call.deadlineMs()).isEqualTo(300);
    call.result().complete(fused("r1", Completeness.COMPLETE));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(body(answer).get("requestId").asText()).isEqualTo("r1");
    assertThat(body(answer).get("output").get("value").asDouble()).isEqualTo(0.75);
  }

  @Test
  void aRequestWithoutIdOrDeadlineGetsARandomIdAndTheDefaultDeadline() throws Exception {
    start(10);
    CompletableFuture<HttpResponse<String>> response = post("{\"text\": \"hello\"}");

    Call call = inference.next();
    assertThat(call.request().getId()).matches("[0-9a-f-]{36}");
    assertThat(call.deadlineMs()).isEqualTo(5_000);
    call.result().complete(fused(call.request().getId(), Completeness.COMPLETE));
    assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void aPartialResultIsServedAsA504() throws Exception {
    start(10);
    CompletableFuture<HttpResponse<String>> response = post("{\"id\": \"r3\"}");
    inference.next().result().complete(fused("r3", Completeness.PARTIAL));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(body(answer).get("completeness").asText()).isEqualTo("PARTIAL");
    assertThat(body(answer).get("expertErrors").has("b")).isTrue();
  }

  @Test
  void noResultInTimeIsA504NamingTheRequest() throws Exception {
    start(10);
    CompletableFuture<HttpResponse<String>> response = post("{\"id\": \"r4\"}");
    inference.next().result().completeExceptionally(new TimeoutException("no result for r4"));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(body(answer).get("requestId").asText()).isEqualTo("r4");
    assertThat(body(answer).get("error").asText()).isEqualTo("no result by the deadline");
  }

  @Test
  void aRequestThatCannotBeSentIsA503() throws Exception {
    start(10);
    CompletableFuture<HttpResponse<String>> response = post("{\"id\": \"r5\"}");
    inference.next().result().completeExceptionally(new KafkaException("broker down"));

    HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(body(answer).get("error").asText())
        .isEqualTo("cannot send the request: broker down");
  }

  @Test
  void anIdAlreadyInFlightIsA409() throws Exception {
    start(10);
    post("{\"id\": \"r6\"}");
    inference.next();

    HttpResponse<String> second = post("{\"id\": \"r6\"}").get(30, TimeUnit.SECONDS);
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(body(second).get("error").asText()).contains("'r6' is already in flight");
  }

  @Test
  void badBodiesAreRefusedWithoutReachingThePipeline() throws Exception {
    start(10);
    HttpResponse<String> malformed = post("{\"id\": ").get(30, TimeUnit.SECONDS);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(body(malformed).get("error").asText()).startsWith("malformed JSON");

    HttpResponse<String> large =
        post("{\"text\": \"" + "x".repeat(GatewayHttp.MAX_BODY_BYTES) + "\"}")
            .get(30, TimeUnit.SECONDS);
    assertThat(large.statusCode()).isEqualTo(413);
    assertThat(inference.calls).isEmpty();
  }

  @Test
  void beyondMaxConcurrentCallsAreRefusedAt503() throws Exception {
    start(1);
    CompletableFuture<HttpResponse<String>> held = post("{\"id\": \"r7\"}");
    Call call = inference.next();

    HttpResponse<String> refused = post("{\"id\": \"r8\"}").get(30, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(body(refused).get("error").asText()).isEqualTo("too many requests in flight");

    call.result().complete(fused("r7", Completeness.COMPLETE));
    assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void unknownPathsAndWrongMethodsAreRefused() throws Exception {
    start(10);
    assertThat(get("/v1/infer/x").statusCode()).isEqualTo(404);
    HttpResponse<String> wrongMethod = get("/v1/infer");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
  }

  @Test
  void healthFollowsThePipelineAndMetricsCountAnswersByStatus() throws Exception {
    start(10);
    assertThat(get("/v1/health").statusCode()).isEqualTo(200);
    assertThat(body(get("/v1/health")).get("status").asText()).isEqualTo("UP");
    inference.healthy = false;
    assertThat(get("/v1/health").statusCode()).isEqualTo(503);
    assertThat(body(get("/v1/health")).get("status").asText()).isEqualTo("DOWN");

    post("{\"deadlineMs\": -1}").get(30, TimeUnit.SECONDS);
    HttpResponse<String> scrape = get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .contains("gatestream_gateway_requests_total{")
        .contains("status=\"400\"")
        .contains("gatestream_gateway_in_flight")
        .contains("gatestream_gateway_request_latency_seconds_bucket");
  }
}
