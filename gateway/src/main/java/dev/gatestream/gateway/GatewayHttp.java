package dev.gatestream.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.gateway.client.AsyncRequestReplyClient.ClientClosedException;
import dev.gatestream.gateway.client.AsyncRequestReplyClient.NoResultException;
import dev.gatestream.gateway.client.DuplicateRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP side: {@code POST /v1/infer} hands the parsed body to the {@link Inference}
 * and answers with its result, {@code GET /v1/health} and {@code GET /metrics}.
 *
 * <p>Waiting callers hold no thread: their answer is written when the result comes or there will be
 * none. At most {@code maxConcurrent} calls are in flight; more are refused at once with 503.
 */
final class GatewayHttp implements AutoCloseable {

  /**
   * @param port 0 for any free port
   * @param defaultDeadlineMs the deadline of requests that name none
   */
  record Settings(String host, int port, int maxConcurrent, long defaultDeadlineMs) {}

  static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(GatewayHttp.class);
  private static final int HTTP_THREADS = 4;

  private final ObjectMapper json = new ObjectMapper();
  private final Inference inference;
  private final GatewayMetrics metrics;
  private final long defaultDeadlineMs;
  private final Semaphore permits;
  private final ExecutorService httpThreads;
  private final HttpServer server;
  private boolean stopped;

  private record Reply(int status, JsonNode body) {}

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  /** Serves at once on {@code settings.host():settings.port()}. */
  GatewayHttp(Settings settings, Inference inference, GatewayMetrics metrics) throws IOException {
    this.inference = inference;
    this.metrics = metrics;
    this.defaultDeadlineMs = settings.defaultDeadlineMs();
    this.permits = new Semaphore(settings.maxConcurrent());
    AtomicInteger threadNumber = new AtomicInteger();
    httpThreads =
        Executors.newFixedThreadPool(
            HTTP_THREADS,
            task -> {
              Thread thread = new Thread(task, "gateway-http-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    try {
      server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
    } catch (IOException | RuntimeException e) {
      httpThreads.shutdownNow();
      throw e;
    }
    server.setExecutor(httpThreads);
    server.createContext(
        "/v1/infer", exchange -> route(exchange, "/v1/infer", "POST", this::infer));
    server.createContext(
        "/v1/health", exchange -> route(exchange, "/v1/health", "GET", this::health));
    server.createContext("/metrics", exchange -> route(exchange, "/metrics", "GET", this::metrics));
    server.start();
  }

  /** Base URI of the HTTP API, e.g. {@code http://127.0.0.1:8088}. */
  URI uri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void route(HttpExchange exchange, String path, String method, Handler handler)
      throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      write(exchange, 404, ResultMapping.error(json, "no such resource"));
    } else if (!exchange.getRequestMethod().equals(method)) {
      exchange.getResponseHeaders().set("Allow", method);
      write(exchange, 405, ResultMapping.error(json, "use " + method));
    } else {
      handler.handle(exchange);
    }
  }

  private void infer(HttpExchange exchange) {
    long started = System.nanoTime();
    if (!permits.tryAcquire()) {
      answer(
          exchange,
          started,
          new Reply(
              ResultMapping.SERVICE_UNAVAILABLE,
              ResultMapping.error(json, "too many requests in flight")));
      return;
    }
    metrics.inFlight().incrementAndGet();
    CompletableFuture<Reply> reply;
    try {
      reply = submit(exchange);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenCompleteAsync(
        (done, failure) -> {
          permits.release();
          metrics.inFlight().decrementAndGet();
          if (failure != null) {
            LOG.error("inference request failed", failure);
            done = new Reply(500, ResultMapping.error(json, "internal error"));
          }
          answer(exchange, started, done);
        },
        httpThreads);
  }

  /**
   * Sends the request; the future completes with the answer, never exceptionally for expected
   * failures.
   */
  private CompletableFuture<Reply> submit(HttpExchange exchange) {
    GatewayRequest request;
    try {
      request = GatewayRequest.parse(json, readBody(exchange.getRequestBody()));
    } catch (BadRequestException e) {
      return answered(ResultMapping.BAD_REQUEST, ResultMapping.error(json, e.getMessage()));
    } catch (BodyTooLargeException e) {
      return answered(
          ResultMapping.PAYLOAD_TOO_LARGE,
          ResultMapping.error(json, "body larger than " + MAX_BODY_BYTES + " bytes"));
    } catch (IOException e) {
      return answered(
          ResultMapping.BAD_REQUEST,
          ResultMapping.error(json, "unreadable body: " + e.getMessage()));
    }
    String id = request.id() != null ? request.id() : UUID.randomUUID().toString();
    CompletableFuture<FusedResult> result;
    try {
      result =
          inference.infer(request.toRequest(id), request.effectiveDeadlineMs(defaultDeadlineMs));
    } catch (DuplicateRequestException e) {
      return answered(ResultMapping.CONFLICT, ResultMapping.error(json, e.getMessage()));
    } catch (ClientClosedException e) {
      return CompletableFuture.completedFuture(noResult(id, e));
    }
    return result.handle(
        (fused, failure) -> failure == null ? result(fused) : noResult(id, failure));
  }

  private Reply result(FusedResult fused) {
    metrics.result(fused.getCompleteness());
    return new Reply(ResultMapping.status(fused), ResultMapping.body(json, fused));
  }

  private Reply noResult(String id, Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (cause instanceof TimeoutException) {
      return new Reply(ResultMapping.GATEWAY_TIMEOUT, ResultMapping.noResult(json, id));
    }
    if (cause instanceof NoResultException) {
      LOG.warn("no result for request {}: {}", id, cause.getMessage());
      return new Reply(ResultMapping.GATEWAY_TIMEOUT, ResultMapping.noResult(json, id));
    }
    if (cause instanceof ClientClosedException) {
      return new Reply(
          ResultMapping.SERVICE_UNAVAILABLE,
          ResultMapping.error(json, "not reading results: " + cause.getMessage()));
    }
    LOG.warn("cannot send request {}", id, cause);
    return new Reply(
        ResultMapping.SERVICE_UNAVAILABLE,
        ResultMapping.error(json, "cannot send the request: " + cause.getMessage()));
  }

  private static CompletableFuture<Reply> answered(int status, JsonNode body) {
    return CompletableFuture.completedFuture(new Reply(status, body));
  }

  private void health(HttpExchange exchange) {
    boolean up = inference.healthy();
    write(
        exchange,
        up ? ResultMapping.OK : ResultMapping.SERVICE_UNAVAILABLE,
        json.createObjectNode().put("status", up ? "UP" : "DOWN"));
  }

  private void metrics(HttpExchange exchange) {
    write(
        exchange,
        ResultMapping.OK,
        "text/plain; version=0.0.4; charset=utf-8",
        metrics.scrape().getBytes(StandardCharsets.UTF_8));
  }

  private void answer(HttpExchange exchange, long startedNanos, Reply reply) {
    write(exchange, reply.status(), reply.body());
    metrics.answered(reply.status(), Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  private void write(HttpExchange exchange, int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    write(exchange, status, "application/json", bytes);
  }

  private static void write(HttpExchange exchange, int status, String contentType, byte[] body) {
    try (exchange;
        OutputStream out = exchange.getResponseBody()) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, body.length);
      out.write(body);
    } catch (IOException e) {
      // The client went away; nothing to tell it.
      LOG.debug("cannot answer {}: {}", exchange.getRequestURI(), e.getMessage());
    }
  }

  private static byte[] readBody(InputStream in) throws IOException, BodyTooLargeException {
    byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
    if (body.length > MAX_BODY_BYTES) {
      throw new BodyTooLargeException();
    }
    return body;
  }

  private static final class BodyTooLargeException extends Exception {
    BodyTooLargeException() {
      super(null, null, false, false);
    }
  }

  /**
   * Stops taking calls, giving answers being written a second; calls waiting for results can still
   * be answered.
   */
  void stopAccepting() {
    if (!stopped) {
      stopped = true;
      server.stop(1);
    }
  }

  @Override
  public void close() {
    stopAccepting();
    httpThreads.shutdownNow();
  }
}
