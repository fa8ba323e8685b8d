package dev.gatestream.app.observability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatestream.app.UserError;
import dev.gatestream.app.pipeline.StageState;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * A process's observability endpoint: {@code GET /metrics} (Prometheus text format of every meter
 * of the process) and {@code GET /health} (each stage's state as JSON; 200 when all are healthy,
 * else 503).
 */
public final class MetricsEndpoint implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves on {@code host:port} (port 0: any free port) until closed.
   *
   * @param health the state of each stage, e.g. {@code router -> RUNNING}, read on every request
   */
  public static MetricsEndpoint start(
      String host, int port, PrometheusMeterRegistry registry, Supplier<StageHealth> health) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UserError(
          "cannot serve metrics on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "): give each process its own metrics.port, or -1 for none");
    }
    // One scrape at a time is what Prometheus does; a second thread keeps /health answering
    // meanwhile.
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "gatestream-metrics-endpoint");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        "/metrics",
        exchange ->
            answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(
        "/health",
        exchange -> {
          StageHealth now = health.get();
          answer(
              exchange,
              now.healthy() ? 200 : 503,
              "application/json",
              JSON.writeValueAsString(now));
        });
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  /** The port served on (the free port chosen when started with 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * The stages of a process and their states.
   *
   * @param stages e.g. {@code router -> RUNNING}, {@code expert gpt-4 -> 2 of 2 workers running}
   * @param healthy whether every stage is as it should be
   */
  public record StageHealth(Map<String, String> stages, boolean healthy) {

    /** A pipeline's stages: healthy when every one of them is. */
    public static StageHealth of(Map<String, StageState> states) {
      Map<String, String> stages = new LinkedHashMap<>();
      states.forEach((stage, state) -> stages.put(stage, state.state()));
      return new StageHealth(stages, states.values().stream().allMatch(StageState::healthy));
    }
  }
}
