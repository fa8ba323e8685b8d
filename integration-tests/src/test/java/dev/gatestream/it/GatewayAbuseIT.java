package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.gateway.Gateway;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway under abuse, in front of a real pipeline (router, two replay experts, fusion) on a
 * real broker and registry: slow clients, 1,000 concurrent calls, requests the router dead-letters,
 * an oversized text and a resent id. Each gets its status code, and {@code /v1/health} is probed
 * every 250 ms throughout and must answer 200 within 10 s every time (the slowest is printed). The
 * status codes seen are printed at the end ("gateway abuse status codes").
 */
@ExtendWith(GatestreamStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayAbuseIT {

  private static final int THREADS = 8;
  private static final int MAX_CONCURRENT = 256;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(60);

  private final ObjectMapper json = new ObjectMapper();
  private HttpClient http;
  private final Map<String, Map<Integer, Integer>> statuses = new ConcurrentHashMap<>();
  private final HealthProbe health = new HealthProbe();
  private PipelineFixture fixture;
  private Gateway gateway;

  @BeforeAll
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void startPipelineAndGateway(StackEndpoints stack, @TempDir Path dir) throws Exception {
    // Ids r0..r1499 are in the replay log; each may be sent once (the router dedupes ids).
    fixture = new PipelineFixture(stack, dir, 2, 1_500, Map.of());
    Map<String, Object> values = new HashMap<>(fixture.config.originals());
    values.put(GatestreamConfig.GATEWAY_PORT, "0");
    values.put(GatestreamConfig.GATEWAY_THREADS, String.valueOf(THREADS));
    values.put(GatestreamConfig.GATEWAY_MAX_CONCURRENT, String.valueOf(MAX_CONCURRENT));
    // Every call here comes from one address: let it use the whole gateway.
    values.put(GatestreamConfig.GATEWAY_MAX_CONCURRENT_PER_CLIENT, String.valueOf(MAX_CONCURRENT));
    values.put(GatestreamConfig.GATEWAY_READ_TIMEOUT_MS, String.valueOf(READ_TIMEOUT.toMillis()));
    gateway =
        Gateway.start(new GatestreamConfig(values), stack.bootstrapServers(), stack.registryUrl());
    health.start();
  }

  /**
   * A client of its own per test: a pooled connection the gateway closed at its read timeout
   * meanwhile would fail the next call on it.
   */
  @BeforeEach
  void newClient() {
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  void stop() throws Exception {
    health.stop();
    System.out.println("gateway abuse status codes: " + new TreeMap<>(statuses));
    System.out.println("gateway abuse health probes: " + health.summary());
    if (gateway != null) {
      gateway.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @Order(1)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void slowClientsHoldNoThreadAndAreCutOffAtTheReadTimeout() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      // Four times as many as the server has threads: headers, then one byte of the body.
      for (int i = 0; i < 4 * THREADS; i++) {
        Socket socket = new Socket("127.0.0.1", gateway.port());
        socket
            .getOutputStream()
            .write(
                ("POST /v1/infer HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 64\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        slow.add(socket);
      }
      // Meanwhile a good call is answered.
      HttpResponse<String> good = post(body("r1000", 30_000));
      assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
      count("good call beside slow clients", good.statusCode());
      assertThat(get("/v1/health").statusCode()).isEqualTo(200);

      for (Socket socket : slow) {
        socket.setSoTimeout((int) (3 * READ_TIMEOUT.toMillis()));
        count("slow client", statusOf(socket.getInputStream()));
      }
      // Each is answered 4xx (Jetty's 408/400 for a body that stopped), or just closed (0).
      assertThat(statuses.get("slow client").keySet())
          .allMatch(code -> code == 0 || code / 100 == 4);
      assertThat(statuses.get("slow client").values().stream().mapToInt(n -> n).sum())
          .isEqualTo(4 * THREADS);
    } finally {
      for (Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aThousandConcurrentCallsAreEachAnsweredOrRefusedAtOnce() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      calls.add(postAsync(body("r" + i, 30_000)));
    }
    int complete = 0;
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> answer = answerOrClosed(call);
      if (answer == null) {
        continue;
      }
      count("1000 concurrent", answer.statusCode());
      JsonNode body = json.readTree(answer.body());
      switch (answer.statusCode()) {
        case 200 -> {
          assertThat(body.get("completeness").asText()).isEqualTo("COMPLETE");
          complete++;
        }
        // Refused at once: the client's permits (all of the gateway's here) are taken.
        case 429 ->
            assertThat(body.get("error").asText())
                .isEqualTo("client '127.0.0.1' already has 256 requests in flight");
        case 503 -> assertThat(body.get("error").asText()).isEqualTo("too many requests in flight");
        // The pipeline, on a shared machine, did not answer every admitted call within 30 s.
        case 504 -> assertThat(body.get("requestId").asText()).startsWith("r");
        default -> assertThat(answer.statusCode()).as(answer.body()).isIn(200, 429, 503, 504);
      }
    }
    assertThat(complete).isPositive();
    // Every permit came back with its answer.
    assertThat(get("/metrics").body().lines())
        .anyMatch(line -> line.startsWith("gatestream_gateway_in_flight") && line.endsWith(" 0.0"));
  }

  @Test
  @Order(3)
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void requestsTheRouterDeadLettersAreAnswered400AtOnceAndFreeTheirPermits() throws Exception {
    // Nothing to route on: the router dead-letters each. Their 10-minute deadline would hold a
    // permit each until then; more of them than there are permits, a window of 200 at a time.
    Semaphore window = new Semaphore(200);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    long started = System.nanoTime();
    int refused = 0;
    for (int i = 0; i < 2 * MAX_CONCURRENT; i++) {
      window.acquire();
      CompletableFuture<HttpResponse<String>> call =
          postAsync("{\"id\": \"dl-" + i + "\", \"deadlineMs\": 600000}");
      call.whenComplete((answer, failure) -> window.release());
      calls.add(call);
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> answer = answerOrClosed(call);
      if (answer == null) {
        count("dead-lettered", 0);
        continue;
      }
      count("dead-lettered", answer.statusCode());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
      assertThat(json.readTree(answer.body()).get("error").asText())
          .isEqualTo("refused by the router: request has no task, text or features to route on");
      refused++;
    }
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(1));
    // More refusals than permits: each gave its permit back.
    assertThat(refused).isGreaterThan(MAX_CONCURRENT);

    HttpResponse<String> good = post(body("r1001", 30_000));
    count("good call after the dead-lettered", good.statusCode());
    assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
  }

  @Test
  @Order(4)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void anOversizedTextIs400AtTheGateway() throws Exception {
    HttpResponse<String> answer =
        post("{\"id\": \"big\", \"text\": \"" + "x".repeat(150_000) + "\"}");
    count("150,000-char text", answer.statusCode());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(json.readTree(answer.body()).get("error").asText())
        .contains(GatestreamConfig.ROUTER_MAX_TEXT_CHARS);
  }

  @Test
  @Order(5)
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aResentIdIsRefused409WithTheReasonAndNoExpertIsAskedAgain() throws Exception {
    HttpResponse<String> first = post(body("r1200", 30_000));
    count("resent id: first", first.statusCode());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);

    long started = System.nanoTime();
    HttpResponse<String> again = post(body("r1200", 30_000));
    count("resent id: again", again.statusCode());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    JsonNode refused = json.readTree(again.body());
    assertThat(refused.get("requestId").asText()).isEqualTo("r1200");
    assertThat(refused.get("error").asText())
        .startsWith("refused by the router: request id 'r1200' was already routed")
        .contains(GatestreamConfig.ROUTER_DEDUPE_WINDOW_MS);
    // Answered by the refusal, well before the 30 s deadline.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  @Order(6)
  void healthAnsweredEveryProbeThroughout() {
    assertThat(health.ok.get()).isPositive();
    assertThat(health.failed).as(health.summary()).isEmpty();
  }

  private static String body(String id, long deadlineMs) {
    String n = id.substring(1);
    return "{\"id\": \""
        + id
        + "\", \"text\": \"question number "
        + n
        + "\", \"task\": \"task-"
        + n
        + "\", \"deadlineMs\": "
        + deadlineMs
        + "}";
  }

  /**
   * The answer, or null (counted as status 0 of "closed without an answer") when the gateway closed
   * the connection first: under a burst on a starved machine, a connection whose request no thread
   * got to within the read timeout is closed as idle.
   */
  private HttpResponse<String> answerOrClosed(CompletableFuture<HttpResponse<String>> call)
      throws Exception {
    try {
      return call.get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(IOException.class);
      count("closed without an answer", 0);
      return null;
    }
  }

  private void count(String what, int status) {
    statuses.computeIfAbsent(what, k -> new ConcurrentHashMap<>()).merge(status, 1, Integer::sum);
  }

  /** The status of the first answer on a raw connection; 0 when it closes without one. */
  private static int statusOf(InputStream in) throws IOException {
    String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    return answer.startsWith("HTTP/1.1 ") ? Integer.parseInt(answer.substring(9, 12)) : 0;
  }

  private HttpResponse<String> post(String body) throws Exception {
    return postAsync(body).get(HTTP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private CompletableFuture<HttpResponse<String>> postAsync(String body) {
    return http.sendAsync(
        HttpRequest.newBuilder(gateway.uri().resolve("/v1/infer"))
            .timeout(HTTP_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(gateway.uri().resolve(path)).timeout(HTTP_TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Asks {@code /v1/health} every 250 ms on a client of its own; each must be 200 within 10 s (the
   * machine is shared; the slowest is reported).
   */
  private final class HealthProbe {
    final AtomicLong ok = new AtomicLong();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final AtomicLong slowestMs = new AtomicLong();
    private final HttpClient probe =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor();

    void start() {
      every.scheduleWithFixedDelay(this::once, 0, 250, TimeUnit.MILLISECONDS);
    }

    private void once() {
      long started = System.nanoTime();
      try {
        HttpResponse<String> answer =
            probe.send(
                HttpRequest.newBuilder(gateway.uri().resolve("/v1/health"))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          ok.incrementAndGet();
        } else {
          failed.add(answer.statusCode() + " " + answer.body());
        }
      } catch (IOException e) {
        failed.add(e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      slowestMs.accumulateAndGet(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), Math::max);
    }

    void stop() throws InterruptedException {
      every.shutdownNow();
      every.awaitTermination(5, TimeUnit.SECONDS);
    }

    String summary() {
      return ok.get()
          + " ok, "
          + failed.size()
          + " failed "
          + failed
          + ", slowest "
          + slowestMs
          + " ms";
    }
  }
}
