package dev.gatestream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.gateway.client.AsyncRequestReplyClient;
import dev.gatestream.gateway.client.DuplicateRequestException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP side of the gateway over a pipeline the test plays. */
@Timeout(60)
class GatewayHttpTest {

  private record Call(
      InferenceRequest.Builder request, long deadlineMs, CompletableFuture<FusedResult> result) {}

  /** Hands each request to the test, which completes its future as the pipeline would. */
  private static final class PlayedInference implements Inference {
    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    volatile Optional<String> problem = Optional.empty();

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
    public Optional<String> problem() {
      return problem;
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
    return start(settings(Map.of(GatestreamConfig.GATEWAY_MAX_CONCURRENT, maxConcurrent)));
  }

  private GatewayHttp start(GatewaySettings settings) throws Exception {
    gateway = new GatewayHttp(settings, inference, metrics);
    return gateway;
  }

  static GatewaySettings settings(Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put(GatestreamConfig.GATEWAY_PORT, 0);
    values.put(GatestreamConfig.GATEWAY_DEFAULT_DEADLINE_MS, 5_000);
    values.putAll(overrides);
    return GatewaySettings.from(new GatestreamConfig(values));
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
    return post(body, null);
  }

  private CompletableFuture<HttpResponse<String>> post(String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(gateway.uri().resolve("/v1/infer"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String statusLineOfPostDeclaring(int contentLength) throws IOException {
    URI uri = gateway.uri();
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      socket
          .getOutputStream()
          .write(
              ("POST /v1/infer HTTP/1.1\r\nHost: "
                      + uri.getHost()
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + contentLength
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
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

    // Only the headers, declaring one byte too many: the gateway answers 413 from the declared
    // length alone, and a client still sending a body when it closes would see a reset instead.
    String large = statusLineOfPostDeclaring(GatewayHttp.MAX_BODY_BYTES + 1);
    assertThat(large).startsWith("HTTP/1.1 413");
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
    inference.problem = Optional.of("pipeline: router: ERROR");
    assertThat(get("/v1/health").statusCode()).isEqualTo(503);
    assertThat(body(get("/v1/health")).get("status").asText()).isEqualTo("DOWN");
    assertThat(body(get("/v1/health")).get("reason").asText()).isEqualTo("pipeline: router: ERROR");

    post("{\"deadlineMs\": -1}").get(30, TimeUnit.SECONDS);
    HttpResponse<String> scrape = get("/metrics");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .contains("gatestream_gateway_requests_total{")
        .contains("status=\"400\"")
        .contains("gatestream_gateway_in_flight")
        .contains("gatestream_gateway_request_latency_seconds_bucket");
  }

  @Test
  void slowClientsHoldNoThreadAndAreCutOffAtTheReadTimeout() throws Exception {
    start(
        settings(
            Map.of(
                GatestreamConfig.GATEWAY_THREADS,
                8,
                GatestreamConfig.GATEWAY_READ_TIMEOUT_MS,
                500)));
    List<Socket> slow = new ArrayList<>();
    try {
      // Twice as many as there are threads: headers, then one byte of a longer body, then nothing.
      for (int i = 0; i < 16; i++) {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket
            .getOutputStream()
            .write(
                ("POST /v1/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        slow.add(socket);
      }
      HttpResponse<String> health = get("/v1/health");
      assertThat(health.statusCode()).isEqualTo(200);
      for (Socket socket : slow) {
        socket.setSoTimeout(10_000);
        // The server answers (408 or 400) or closes: either way the read does not hang.
        String answer =
            new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(answer)
            .satisfiesAnyOf(
                a -> assertThat(a).isEmpty(), a -> assertThat(a).startsWith("HTTP/1.1 4"));
      }
      assertThat(inference.calls).isEmpty();
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void aSlowUploadHoldsNoPermit() throws Exception {
    start(1);
    try (Socket slow = new Socket("127.0.0.1", gateway.port())) {
      slow.getOutputStream()
          .write(
              "POST /v1/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"
                  .getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      CompletableFuture<HttpResponse<String>> response = post("{\"id\": \"quick\"}");
      inference.next().result().complete(fused("quick", Completeness.COMPLETE));
      assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aCallerWaitingLongerThanTheReadTimeoutIsStillAnswered() throws Exception {
    start(settings(Map.of(GatestreamConfig.GATEWAY_READ_TIMEOUT_MS, 200)));
    CompletableFuture<HttpResponse<String>> response = post("{\"id\": \"slow\"}");
    Call call = inference.next();
    // Jetty's idle timeout runs on the wall clock: the result comes after three of them passed.
    new CompletableFuture<Void>().completeOnTimeout(null, 700, TimeUnit.MILLISECONDS).join();
    call.result().complete(fused("slow", Completeness.COMPLETE));
    assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void withTokensOnlyAKnownBearerTokenMayInferAndEachClientIsLimited() throws Exception {
    start(
        settings(
            Map.of(
                GatestreamConfig.GATEWAY_AUTH_TOKENS,
                "alice:s3cret-a,bob:s3cret-b",
                GatestreamConfig.GATEWAY_MAX_CONCURRENT_PER_CLIENT,
                1)));
    HttpResponse<String> none = post("{\"id\": \"n\"}", null).get(30, TimeUnit.SECONDS);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(post("{\"id\": \"w\"}", "s3cret-").get(30, TimeUnit.SECONDS).statusCode())
        .isEqualTo(401);
    assertThat(get("/v1/health").statusCode()).isEqualTo(200);

    CompletableFuture<HttpResponse<String>> alice = post("{\"id\": \"a1\"}", "s3cret-a");
    Call held = inference.next();
    HttpResponse<String> second = post("{\"id\": \"a2\"}", "s3cret-a").get(30, TimeUnit.SECONDS);
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(body(second).get("error").asText()).contains("'alice' already has 1");

    CompletableFuture<HttpResponse<String>> bob = post("{\"id\": \"b1\"}", "s3cret-b");
    Call bobs = inference.next();
    bobs.result().complete(fused("b1", Completeness.COMPLETE));
    held.result().complete(fused("a1", Completeness.COMPLETE));
    assertThat(alice.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(bob.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    // Alice's permit came back with her answer.
    CompletableFuture<HttpResponse<String>> again = post("{\"id\": \"a3\"}", "s3cret-a");
    inference.next().result().complete(fused("a3", Completeness.COMPLETE));
    assertThat(again.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

  @Test
  void textBeyondTheRoutersLimitIsA400WithoutReachingThePipeline() throws Exception {
    start(10);
    HttpResponse<String> answer =
        post("{\"text\": \"" + "x".repeat(150_000) + "\"}").get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(body(answer).get("error").asText())
        .contains("150000 characters")
        .contains(GatestreamConfig.ROUTER_MAX_TEXT_CHARS);
    assertThat(inference.calls).isEmpty();
  }

  @Test
  void aRefusalIsAnsweredAtOnceWithItsReasonAndFreesThePermit() throws Exception {
    start(1);
    CompletableFuture<HttpResponse<String>> invalid = post("{\"id\": \"bad\"}");
    inference
        .next()
        .result()
        .completeExceptionally(refusal("router", "invalid", "replyTo 'x' is not allowed"));
    HttpResponse<String> answer = invalid.get(30, TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(body(answer).get("error").asText())
        .isEqualTo("refused by the router: replyTo 'x' is not allowed");
    assertThat(body(answer).get("requestId").asText()).isEqualTo("bad");

    CompletableFuture<HttpResponse<String>> repeated = post("{\"id\": \"again\"}");
    inference
        .next()
        .result()
        .completeExceptionally(refusal("router", "duplicate", "id 'again' was already routed"));
    assertThat(repeated.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(409);
  }

  private static Exception refusal(String stage, String code, String reason) {
    return new AsyncRequestReplyClient.RefusedException(stage, code, reason);
  }

  @Test
  void withAKeystoreTheGatewayServesHttps(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("gateway.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "gateway",
                "-keyalg",
                "EC",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    start(
        settings(
            Map.of(
                GatestreamConfig.GATEWAY_TLS_KEYSTORE_PATH,
                keystore.toString(),
                GatestreamConfig.GATEWAY_TLS_KEYSTORE_PASSWORD,
                "changeit")));
    assertThat(gateway.uri().getScheme()).isEqualTo("https");

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      trusted.load(in, "changeit".toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
    HttpResponse<String> health =
        https.send(
            HttpRequest.newBuilder(gateway.uri().resolve("/v1/health")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }
}
