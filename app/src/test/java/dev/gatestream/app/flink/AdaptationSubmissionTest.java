package dev.gatestream.app.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.gatestream.app.UserError;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The submission's refusals, against a stand-in of Flink's REST API. */
@Timeout(30)
class AdaptationSubmissionTest {

  private HttpServer server;
  private AdaptationSubmission submission;
  private final AtomicInteger uploads = new AtomicInteger();
  private final GatestreamConfig config =
      new ConfigLoader(Map.of()).load(null, Map.of(GatestreamConfig.TOPIC_PREFIX, "p-"));

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/jars/upload",
        exchange -> {
          uploads.incrementAndGet();
          reply(exchange, 500, "{}");
        });
    server.start();
    submission =
        new AdaptationSubmission(
            new FlinkRestClient(
                "http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(String path, String json) {
    server.createContext(path, exchange -> reply(exchange, 200, json));
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String json)
      throws IOException {
    exchange.getRequestBody().readAllBytes();
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Test
  void aSecondJobOfTheSameDeploymentIsRefusedBeforeAnyUpload(@TempDir Path dir) throws Exception {
    answer(
        "/jobs/overview",
        "{\"jobs\":[{\"jid\":\"old\",\"name\":\"p-adaptation\",\"state\":\"CANCELED\"},"
            + "{\"jid\":\"j1\",\"name\":\"p-adaptation\",\"state\":\"RESTARTING\"}]}");
    Path jar = Files.write(dir.resolve("job.jar"), new byte[] {1});

    assertThatThrownBy(
            () ->
                submission.submit(
                    jar, config, "k:9092", "http://r", Optional.empty(), Duration.ofSeconds(5)))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("the adaptation job p-adaptation already runs on")
        .hasMessageEndingWith(" as j1 (RESTARTING); stop it first: gatestream adaptation stop");
    assertThat(uploads).hasValue(0);
  }

  @Test
  void aJobThatEndsWhileAwaitedFailsAtOnce() {
    answer("/jobs/j1", "{\"jid\":\"j1\",\"name\":\"p-adaptation\",\"state\":\"FAILED\"}");

    assertThatThrownBy(() -> submission.awaitRunning("j1", Duration.ofSeconds(20)))
        .isInstanceOf(UserError.class)
        .hasMessage("the job j1 ended FAILED (see the JobManager's log)");
  }

  @Test
  void stopWithoutARunningJobSaysSo() {
    answer("/jobs/overview", "{\"jobs\":[]}");

    assertThatThrownBy(() -> submission.stop(config, "file:/sp", Duration.ofSeconds(5)))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("no adaptation job p-adaptation runs on http://127.0.0.1:");
  }
}
