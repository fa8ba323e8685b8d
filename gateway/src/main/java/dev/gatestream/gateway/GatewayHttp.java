package dev.gatestream.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.gateway.client.AsyncRequestReplyClient.ClientClosedException;
import dev.gatestream.gateway.client.AsyncRequestReplyClient.NoResultException;
import dev.gatestream.gateway.client.AsyncRequestReplyClient.RefusedException;
import dev.gatestream.gateway.client.DuplicateRequestException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP side, on Jetty: {@code POST /v1/infer} hands the parsed body to the {@link
 * Inference} and answers with its result, {@code GET /v1/health} and {@code GET /metrics}.
 *
 * <p>Neither a slow upload nor a waiting caller holds a thread: bodies are read asynchronously
 * (bounded in size, in idle time and in rate), and answers are written when the result comes. At
 * most {@code maxConcurrent} calls are in flight (503 beyond), and at most {@code
 * maxConcurrentPerClient} of one client (429 beyond).
 */
final class GatewayHttp implements AutoCloseable {

  static final int MAX_BODY_BYTES = 1 << 20;
  static final int TOO_MANY_REQUESTS = 429;
  static final int UNAUTHORIZED = 401;

  private static final Logger LOG = LoggerFactory.getLogger(GatewayHttp.class);

  private final ObjectMapper json = new ObjectMapper();
  private final Inference inference;
  private final GatewayMetrics metrics;
  private final GatewaySettings settings;
  private final Semaphore permits;
  private final ClientPermits clientPermits;
  private final Server server;
  private final ServerConnector connector;
  private final String scheme;

  private record Reply(int status, JsonNode body) {}

  /** Serves at once on {@code settings.host():settings.port()}. */
  GatewayHttp(GatewaySettings settings, Inference inference, GatewayMetrics metrics)
      throws IOException {
    this.inference = inference;
    this.metrics = metrics;
    this.settings = settings;
    this.permits = new Semaphore(settings.maxConcurrent());
    this.clientPermits = new ClientPermits(settings.maxConcurrentPerClient());
    QueuedThreadPool threads = new QueuedThreadPool(settings.threads(), 2);
    threads.setName("gateway-http");
    threads.setDaemon(true);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setMinRequestDataRate(settings.minRequestDataRate());
    ConnectionFactory[] factories;
    if (settings.tls().isPresent()) {
      GatewaySettings.Tls tls = settings.tls().get();
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStorePath(tls.keystorePath());
      ssl.setKeyStorePassword(tls.keystorePassword());
      ssl.setKeyStoreType(tls.keystoreType());
      http.addCustomizer(new SecureRequestCustomizer(false));
      factories =
          new ConnectionFactory[] {
            new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http)
          };
      scheme = "https";
    } else {
      factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
      scheme = "http";
    }
    connector = new ServerConnector(server, 1, 1, factories);
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setIdleTimeout(settings.readTimeout().toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
    server.setHandler(new Routes());
    try {
      server.start();
    } catch (IOException e) {
      stop();
      throw e;
    } catch (Exception e) {
      stop();
      throw new IOException("cannot start the HTTP server: " + e.getMessage(), e);
    }
  }

  /** Base URI of the HTTP API, e.g. {@code http://127.0.0.1:8088}. */
  URI uri() {
    return URI.create(scheme + "://" + settings.host() + ":" + port());
  }

  int port() {
    return connector.getLocalPort();
  }

  private final class Routes extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      switch (path) {
        case "/v1/infer" -> {
          if (allowed(method, "POST", response, callback)) {
            infer(request, response, callback);
          }
        }
        case "/v1/health" -> {
          if (allowed(method, "GET", response, callback)) {
            health(response, callback);
          }
        }
        case "/metrics" -> {
          if (allowed(method, "GET", response, callback)) {
            write(
                response,
                callback,
                ResultMapping.OK,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8));
          }
        }
        default -> write(response, callback, 404, ResultMapping.error(json, "no such resource"));
      }
      return true;
    }
  }

  private boolean allowed(String method, String expected, Response response, Callback callback) {
    if (method.equals(expected)) {
      return true;
    }
    response.getHeaders().put(HttpHeader.ALLOW, expected);
    write(response, callback, 405, ResultMapping.error(json, "use " + expected));
    return false;
  }

  private void infer(Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    Optional<String> client = client(request);
    if (client.isEmpty()) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      answer(
          response,
          callback,
          started,
          new Reply(UNAUTHORIZED, ResultMapping.error(json, "a valid bearer token is required")));
      return;
    }
    long declared = request.getLength();
    if (declared > MAX_BODY_BYTES) {
      answer(response, callback, started, tooLarge());
      return;
    }
    // Waiting for the answer is not idle reading: the connection stays open until it comes.
    request.addIdleTimeoutListener(timeout -> false);
    // The body is read before a permit is taken: a slow upload holds neither a thread nor a permit.
    Content.Source.asByteArrayAsync(request, MAX_BODY_BYTES)
        .handle((body, failure) -> failure == null ? admit(client.get(), body) : unread(failure))
        .thenCompose(reply -> reply)
        .whenComplete(
            (done, failure) -> {
              if (failure != null) {
                LOG.error("inference request failed", failure);
                done = new Reply(500, ResultMapping.error(json, "internal error"));
              }
              answer(response, callback, started, done);
            });
  }

  /** Takes a permit of the client's and one of the gateway's, sends, and gives them back. */
  private CompletableFuture<Reply> admit(String client, byte[] body) {
    if (!clientPermits.tryAcquire(client)) {
      return answered(
          TOO_MANY_REQUESTS,
          ResultMapping.error(
              json,
              "client '"
                  + client
                  + "' already has "
                  + clientPermits.perClient()
                  + " requests in flight"));
    }
    if (!permits.tryAcquire()) {
      clientPermits.release(client);
      return answered(
          ResultMapping.SERVICE_UNAVAILABLE,
          ResultMapping.error(json, "too many requests in flight"));
    }
    metrics.inFlight().incrementAndGet();
    CompletableFuture<Reply> reply;
    try {
      reply = submit(body);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    return reply.whenComplete(
        (done, failure) -> {
          permits.release();
          clientPermits.release(client);
          metrics.inFlight().decrementAndGet();
        });
  }

  /** The caller's name: its token's, or its remote address when no token is required. */
  private Optional<String> client(Request request) {
    if (!settings.tokens().required()) {
      return Optional.of(Request.getRemoteAddr(request));
    }
    return settings.tokens().client(request.getHeaders().get(HttpHeader.AUTHORIZATION));
  }

  private CompletableFuture<Reply> unread(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof IllegalArgumentException) {
      return CompletableFuture.completedFuture(tooLarge()); // more than MAX_BODY_BYTES arrived
    }
    if (cause instanceof TimeoutException) {
      return answered(408, ResultMapping.error(json, "the body arrived too slowly"));
    }
    return answered(
        ResultMapping.BAD_REQUEST,
        ResultMapping.error(json, "unreadable body: " + cause.getMessage()));
  }

  private Reply tooLarge() {
    return new Reply(
        ResultMapping.PAYLOAD_TOO_LARGE,
        ResultMapping.error(json, "body larger than " + MAX_BODY_BYTES + " bytes"));
  }

  /**
   * Sends the request; the future completes with the answer, never exceptionally for expected
   * failures.
   */
  private CompletableFuture<Reply> submit(byte[] body) {
    GatewayRequest request;
    try {
      request = GatewayRequest.parse(json, body);
      settings.limits().check(request);
    } catch (BadRequestException e) {
      return answered(ResultMapping.BAD_REQUEST, ResultMapping.error(json, e.getMessage()));
    }
    String id = request.id() != null ? request.id() : UUID.randomUUID().toString();
    CompletableFuture<FusedResult> result;
    try {
      result =
          inference.infer(
              request.toRequest(id), request.effectiveDeadlineMs(settings.defaultDeadlineMs()));
    } catch (DuplicateRequestException e) {
      return answered(ResultMapping.CONFLICT, ResultMapping.error(json, e.getMessage()));
    } catch (ClientClosedException e) {
      return CompletableFuture.completedFuture(noResult(id, e));
    } catch (RuntimeException e) {
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
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      return new Reply(ResultMapping.GATEWAY_TIMEOUT, ResultMapping.noResult(json, id));
    }
    if (cause instanceof RefusedException refused) {
      return new Reply(
          ResultMapping.refusalStatus(refused.code()),
          ResultMapping.refused(json, id, refused.stage(), refused.reason()));
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

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
  }

  private static CompletableFuture<Reply> answered(int status, JsonNode body) {
    return CompletableFuture.completedFuture(new Reply(status, body));
  }

  private void health(Response response, Callback callback) {
    Optional<String> problem = inference.problem();
    var body = json.createObjectNode().put("status", problem.isEmpty() ? "UP" : "DOWN");
    problem.ifPresent(reason -> body.put("reason", reason));
    write(
        response,
        callback,
        problem.isEmpty() ? ResultMapping.OK : ResultMapping.SERVICE_UNAVAILABLE,
        body);
  }

  private void answer(Response response, Callback callback, long startedNanos, Reply reply) {
    write(response, callback, reply.status(), reply.body());
    metrics.answered(reply.status(), Duration.ofNanos(System.nanoTime() - startedNanos));
  }

  private void write(Response response, Callback callback, int status, JsonNode body) {
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    write(response, callback, status, "application/json", bytes);
  }

  private static void write(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    // A client gone away fails the callback; Jetty closes its connection.
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /**
   * Stops taking calls, giving answers being written a second; calls waiting for results can still
   * be answered.
   */
  void stopAccepting() {
    try {
      connector.setAccepting(false);
    } catch (RuntimeException e) {
      LOG.debug("cannot stop accepting: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void stop() {
    try {
      server.setStopTimeout(1_000);
      server.stop();
    } catch (Exception e) {
      LOG.warn("cannot stop the HTTP server cleanly: {}", e.getMessage());
    }
  }
}
