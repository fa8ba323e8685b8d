package dev.gatestream.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous HTTP in front of the asynchronous pipeline: {@code POST /v1/infer} produces an
 * {@link InferenceRequest} whose replyTo is this instance's own reply topic and answers with the
 * {@link FusedResult} fusion writes there. Each instance reads only its reply topic, so any number of
 * them can run without shared correlation state.
 *
 * <p>Waiting callers hold no thread: their answer is written when the reply arrives or the deadline
 * passes. At most {@code gateway.max.concurrent} calls are in flight; more are refused with 503.
 */
public final class Gateway implements AutoCloseable {

  /** Fusion emits at the deadline; this leaves time for its commit and the hop to the reply topic. */
  static final long REPLY_MARGIN_MS = 1_000;
  static final int MAX_BODY_BYTES = 1 << 20;

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  private static final int HTTP_THREADS = 4;

  private final ObjectMapper json = new ObjectMapper();
  private final String bootstrapServers;
  private final String instanceId;
  private final boolean ownsReplyTopic;
  private final String requestsTopic;
  private final String replyTopic;
  private final long defaultDeadlineMs;
  private final Duration clientTimeout;
  private final Semaphore permits;
  private final GatewayMetrics metrics;
  private RegistrySerdes serdes;
  private KafkaProducer<String, InferenceRequest> producer;
  private ReplyListener replies;
  private ExecutorService httpThreads;
  private HttpServer server;

  private Gateway(GatestreamConfig config, String bootstrapServers) {
    this.bootstrapServers = bootstrapServers;
    String configuredId = config.getString(GatestreamConfig.GATEWAY_INSTANCE_ID);
    ownsReplyTopic = configuredId.isBlank();
    instanceId = ownsReplyTopic ? "gw-" + UUID.randomUUID().toString().substring(0, 8) : configuredId;
    if (!INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException(GatestreamConfig.GATEWAY_INSTANCE_ID + " '" + instanceId
          + "' must be 1-100 characters of [A-Za-z0-9._-]");
    }
    Topics topics = Topics.from(config);
    requestsTopic = topics.requests().name();
    replyTopic = topics.replies(instanceId).name();
    defaultDeadlineMs = config.getLong(GatestreamConfig.GATEWAY_DEFAULT_DEADLINE_MS);
    clientTimeout = Duration.ofMillis(config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS));
    permits = new Semaphore(config.getInt(GatestreamConfig.GATEWAY_MAX_CONCURRENT));
    metrics = new GatewayMetrics(instanceId);
  }

  /**
   * Creates this instance's reply topic, starts reading it, then serves HTTP on
   * {@code gateway.host:gateway.port}; returns once requests can be answered.
   */
  public static Gateway start(GatestreamConfig config, String bootstrapServers, String registryUrl)
      throws IOException, InterruptedException {
    Gateway gateway = new Gateway(config, bootstrapServers);
    try {
      gateway.open(config, registryUrl);
      return gateway;
    } catch (IOException | InterruptedException | RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  private void open(GatestreamConfig config, String registryUrl) throws IOException, InterruptedException {
    TopicSpec<String, FusedResult> replySpec = Topics.from(config).replies(instanceId);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      for (TopicApplier.Report report : new TopicApplier(admin, clientTimeout).apply(List.of(replySpec))) {
        if (report.outcome() == TopicApplier.Outcome.DRIFTED) {
          LOG.warn("reply topic {} differs from the catalogue: {}", report.topic(), report.drift());
        }
      }
    }
    serdes = new RegistrySerdes(registryUrl, config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER));

    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "gatestream-gateway-" + instanceId + "-replies");
    // Fusion writes transactionally: see only committed results, each exactly once.
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    replies = new ReplyListener(new KafkaConsumer<>(consumerProps, new StringDeserializer(),
        serdes.valueSerde(replySpec).deserializer()), replyTopic);
    replies.start(clientTimeout);

    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "gatestream-gateway-" + instanceId);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, clientTimeout.toMillis());
    producer = new KafkaProducer<>(producerProps, new StringSerializer(),
        serdes.valueSerde(Topics.from(config).requests()).serializer());
    // Fails start() now, rather than the first call, when the requests topic is missing.
    producer.partitionsFor(requestsTopic);

    AtomicInteger threadNumber = new AtomicInteger();
    httpThreads = Executors.newFixedThreadPool(HTTP_THREADS, task -> {
      Thread thread = new Thread(task, "gateway-http-" + threadNumber.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server = HttpServer.create(new InetSocketAddress(config.getString(GatestreamConfig.GATEWAY_HOST),
        config.getInt(GatestreamConfig.GATEWAY_PORT)), 0);
    server.setExecutor(httpThreads);
    server.createContext("/v1/infer", exchange -> route(exchange, "/v1/infer", "POST", this::infer));
    server.createContext("/v1/health", exchange -> route(exchange, "/v1/health", "GET", this::health));
    server.createContext("/metrics", exchange -> route(exchange, "/metrics", "GET", this::metrics));
    server.start();
    LOG.info("gateway {} serving on {}, replies on {}", instanceId, uri(), replyTopic);
  }

  public String instanceId() {
    return instanceId;
  }

  public String replyTopic() {
    return replyTopic;
  }

  /** The port served, useful when {@code gateway.port} is 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Base URI of the HTTP API, e.g. {@code http://127.0.0.1:8088}. */
  public URI uri() {
    InetSocketAddress address = server.getAddress();
    return URI.create("http://" + address.getHostString() + ":" + address.getPort());
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private void route(HttpExchange exchange, String path, String method, Handler handler) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      write(exchange, 404, ResultMapping.error(json, "no such resource"));
    } else if (!exchange.getRequestMethod().equals(method)) {
      exchange.getResponseHeaders().set("Allow", method);
      write(exchange, 405, ResultMapping.error(json, "use " + method));
    } else {
      handler.handle(exchange);
    }
  }

  private record Reply(int status, JsonNode body) {}

  private void infer(HttpExchange exchange) {
    long started = System.nanoTime();
    if (!permits.tryAcquire()) {
      answer(exchange, started, new Reply(ResultMapping.SERVICE_UNAVAILABLE,
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
    reply.whenCompleteAsync((done, failure) -> {
      permits.release();
      metrics.inFlight().decrementAndGet();
      if (failure != null) {
        LOG.error("inference request failed", failure);
        done = new Reply(500, ResultMapping.error(json, "internal error"));
      }
      answer(exchange, started, done);
    }, httpThreads);
  }

  /** Sends the request; the future completes with the answer, never exceptionally for expected failures. */
  private CompletableFuture<Reply> submit(HttpExchange exchange) {
    GatewayRequest request;
    try {
      request = GatewayRequest.parse(json, readBody(exchange.getRequestBody()));
    } catch (BadRequestException e) {
      return CompletableFuture.completedFuture(new Reply(ResultMapping.BAD_REQUEST,
          ResultMapping.error(json, e.getMessage())));
    } catch (BodyTooLargeException e) {
      return CompletableFuture.completedFuture(new Reply(ResultMapping.PAYLOAD_TOO_LARGE,
          ResultMapping.error(json, "body larger than " + MAX_BODY_BYTES + " bytes")));
    } catch (IOException e) {
      return CompletableFuture.completedFuture(new Reply(ResultMapping.BAD_REQUEST,
          ResultMapping.error(json, "unreadable body: " + e.getMessage())));
    }
    String id = request.id() != null ? request.id() : UUID.randomUUID().toString();
    CompletableFuture<FusedResult> result = replies.expect(id);
    if (result == null) {
      return CompletableFuture.completedFuture(new Reply(ResultMapping.CONFLICT,
          ResultMapping.error(json, "a request with id '" + id + "' is already in flight")));
    }
    InferenceRequest record = request.toInferenceRequest(id, System.currentTimeMillis(), defaultDeadlineMs,
        replyTopic);
    try {
      producer.send(new ProducerRecord<>(requestsTopic, id, record), (metadata, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        }
      });
    } catch (KafkaException e) {
      result.completeExceptionally(e);
    }
    return result.orTimeout(request.effectiveDeadlineMs(defaultDeadlineMs) + REPLY_MARGIN_MS,
        TimeUnit.MILLISECONDS).handle((fused, failure) -> {
          replies.forget(id);
          if (failure == null) {
            metrics.result(fused.getCompleteness());
            return new Reply(ResultMapping.status(fused), ResultMapping.body(json, fused));
          }
          if (failure instanceof TimeoutException) {
            return new Reply(ResultMapping.GATEWAY_TIMEOUT, ResultMapping.noResult(json, id));
          }
          LOG.warn("cannot send request {}", id, failure);
          return new Reply(ResultMapping.SERVICE_UNAVAILABLE,
              ResultMapping.error(json, "cannot send the request: " + failure.getMessage()));
        });
  }

  private void health(HttpExchange exchange) {
    boolean up = replies.healthy();
    write(exchange, up ? ResultMapping.OK : ResultMapping.SERVICE_UNAVAILABLE,
        json.createObjectNode().put("status", up ? "UP" : "DOWN"));
  }

  private void metrics(HttpExchange exchange) {
    write(exchange, ResultMapping.OK, "text/plain; version=0.0.4; charset=utf-8",
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
    try (exchange; OutputStream out = exchange.getResponseBody()) {
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

  @Override
  public void close() {
    if (server != null) {
      server.stop(1);
    }
    // Replies before the HTTP threads: a reply arriving meanwhile still finds them to answer on.
    if (replies != null) {
      replies.close();
    }
    if (httpThreads != null) {
      httpThreads.shutdownNow();
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (serdes != null) {
      serdes.close();
    }
    metrics.close();
    if (ownsReplyTopic) {
      deleteReplyTopic();
    }
  }

  /** A random instance id is never reused, so its reply topic would only be left behind. */
  private void deleteReplyTopic() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.deleteTopics(List.of(replyTopic)).all().get(clientTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("cannot delete reply topic {}: {}", replyTopic, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
