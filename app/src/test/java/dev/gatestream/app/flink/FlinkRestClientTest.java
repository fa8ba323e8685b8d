package dev.gatestream.app.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST client against a stand-in that answers as Flink's REST API does (the real one is
 * FlinkClusterIT's): what goes over the wire, and how Flink's answers are read.
 */
@Timeout(30)
class FlinkRestClientTest {

  private HttpServer server;
  private FlinkRestClient client;
  private final AtomicReference<String> lastBody = new AtomicReference<>();
  private final AtomicReference<String> lastContentType = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.start();
    client =
        new FlinkRestClient(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/", Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(String path, int status, String json) {
    server.createContext(
        path,
        exchange -> {
          record(exchange);
          byte[] body = json.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
  }

  private void record(HttpExchange exchange) throws IOException {
    lastContentType.set(exchange.getRequestHeaders().getFirst("Content-Type"));
    lastBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void uploadSendsTheJarAsTheJarfilePartAndReturnsTheStoredName(@TempDir Path dir)
      throws Exception {
    Path jar = dir.resolve("job.jar");
    Files.write(jar, new byte[] {'P', 'K', 3, 4, 0, (byte) 0xff});
    answer(
        "/jars/upload",
        200,
        "{\"filename\":\"/tmp/flink-web/flink-web-upload/ab12_job.jar\",\"status\":\"success\"}");

    assertThat(client.uploadJar(jar)).isEqualTo("ab12_job.jar");
    String boundary =
        lastContentType.get().substring(lastContentType.get().indexOf("boundary=") + 9);
    assertThat(lastContentType.get()).startsWith("multipart/form-data; boundary=");
    assertThat(lastBody.get())
        .startsWith("--" + boundary + "\r\n")
        .contains("Content-Disposition: form-data; name=\"jarfile\"; filename=\"job.jar\"\r\n")
        .contains("\r\n\r\nPK\u0003\u0004\u0000\u00ff\r\n--" + boundary + "--\r\n");
  }

  @Test
  void runPostsEntryClassArgumentsAndSavepoint() {
    answer("/jars/ab12_job.jar/run", 200, "{\"jobid\":\"f00d\"}");

    String job =
        client.runJar(
            "ab12_job.jar",
            "a.Main",
            List.of("bootstrap=b:9092", "x=y z"),
            Optional.of("file:/sp"));

    assertThat(job).isEqualTo("f00d");
    assertThat(lastContentType.get()).isEqualTo("application/json");
    assertThat(lastBody.get())
        .isEqualTo(
            "{\"entryClass\":\"a.Main\",\"programArgsList\":[\"bootstrap=b:9092\",\"x=y z\"],"
                + "\"savepointPath\":\"file:/sp\",\"allowNonRestoredState\":false}");
  }

  @Test
  void aJobRunsOnlyWhenEveryTaskRuns() {
    answer(
        "/jobs/j1",
        200,
        "{\"jid\":\"j1\",\"name\":\"n\",\"state\":\"RUNNING\",\"vertices\":[{\"status\":\"RUNNING\"},"
            + "{\"status\":\"INITIALIZING\"}]}");

    FlinkRestClient.JobState state = client.job("j1");

    assertThat(state.state()).isEqualTo("RUNNING");
    assertThat(state.fullyRunning()).isFalse();
    assertThat(state.terminal()).isFalse();
  }

  @Test
  void checkpointsTellWhatWasRestored() {
    answer(
        "/jobs/j1/checkpoints",
        200,
        "{\"counts\":{\"completed\":7,\"restored\":1},\"latest\":{\"restored\":{\"id\":5,"
            + "\"external_path\":\"file:/c/chk-5\"}}}");

    assertThat(client.checkpoints("j1"))
        .isEqualTo(new FlinkRestClient.Checkpoints(7, 1, Optional.of("file:/c/chk-5")));
  }

  @Test
  void anErrorAnswerBecomesItsInnermostCauseOnOneLine() {
    answer(
        "/jars/x/run",
        500,
        "{\"errors\":[\"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not"
            + " execute application.\\n\\tat a.b(C.java:1)\\nCaused by: java.lang"
            + ".IllegalArgumentException: set bootstrap and registry.url\\n\\tat d.e(F.java:2)\"]}");

    assertThatThrownBy(() -> client.runJar("x", "a.Main", List.of(), Optional.empty()))
        .isInstanceOf(FlinkRestException.class)
        .hasMessage(
            "run x: HTTP 500: java.lang.IllegalArgumentException: set bootstrap and registry.url");
  }

  @Test
  void anUnreachableClusterIsNamed() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    FlinkRestClient nowhere =
        new FlinkRestClient("http://127.0.0.1:" + closed, Duration.ofSeconds(5));

    assertThatThrownBy(nowhere::jobs)
        .isInstanceOf(FlinkRestException.class)
        .hasMessage(
            "cannot reach the Flink REST API at http://127.0.0.1:"
                + closed
                + " (is the cluster running?)");
  }

  @Test
  void programArgumentsCarryTheResolvedEndpointsAndEveryGivenSetting() {
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(
                null, Map.of(GatestreamConfig.TOPIC_PREFIX, "p-", GatestreamConfig.EXPERTS, "a,b"));

    assertThat(AdaptationSubmission.programArguments(config, "k:9092", "http://r:8085"))
        .containsExactly(
            "bootstrap=k:9092", "experts=a,b", "registry.url=http://r:8085", "topic.prefix=p-");
  }
}
