package dev.gatestream.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatestream.contracts.InferenceRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry serdes against a registry that fails, answered by a real HTTP server: only a schema
 * id not cached yet needs the registry, and while it fails transiently the read waits for it.
 */
class RegistrySerdesOutageTest {

  private static final int KNOWN_ID = 7;
  private static final int UNKNOWN_ID = 8;

  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger contentRequests = new AtomicInteger();
  private final HttpServer server;
  private final RegistrySerdes serdes;

  RegistrySerdesOutageTest() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::answer);
    server.start();
    serdes =
        new RegistrySerdes(
            "http://127.0.0.1:" + server.getAddress().getPort(),
            false,
            Map.of(),
            new RegistryRetry.Policy(
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofSeconds(5),
                Duration.ofSeconds(3)));
  }

  @AfterEach
  void stop() {
    serdes.close();
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (failuresLeft.getAndDecrement() > 0) {
      reply(exchange, 503, "{\"error_code\":503,\"message\":\"unavailable\",\"name\":\"x\"}");
    } else if (path.endsWith("/references")) {
      reply(exchange, 200, "[]");
    } else if (path.endsWith("/ids/contentIds/" + KNOWN_ID)) {
      contentRequests.incrementAndGet();
      reply(exchange, 200, InferenceRequest.getClassSchema().toString());
    } else {
      reply(
          exchange,
          404,
          "{\"error_code\":404,\"message\":\"No content\",\"name\":\"ContentNotFoundException\"}");
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static byte[] wire(int schemaId) throws IOException {
    InferenceRequest request =
        InferenceRequest.newBuilder()
            .setId("r1")
            .setCreatedAtMs(1)
            .setDeadlineMs(2)
            .setText("hello")
            .setAttributes(Map.of())
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(InferenceRequest.class).write(request, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private Deserializer<InferenceRequest> deserializer() {
    return serdes.avro(InferenceRequest.class, false).deserializer();
  }

  @Test
  void aSchemaIdNotCachedWaitsOutTheRegistrysFailuresInsteadOfFailingTheRecord()
      throws IOException {
    failuresLeft.set(3);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    serdes.countRetriesOn(meters);

    InferenceRequest read = deserializer().deserialize("t-requests", wire(KNOWN_ID));

    assertThat(read.getId()).isEqualTo("r1");
    assertThat(serdes.transientRetries()).isGreaterThanOrEqualTo(3);
    assertThat(meters.get(RegistrySerdes.RETRIES_METER).functionCounter().count())
        .isEqualTo(serdes.transientRetries());
  }

  @Test
  void aCachedSchemaIdIsReadWhileTheRegistryIsDown() throws IOException {
    deserializer().deserialize("t-requests", wire(KNOWN_ID));
    server.stop(0);

    InferenceRequest read = deserializer().deserialize("t-requests", wire(KNOWN_ID));

    assertThat(read.getId()).isEqualTo("r1");
    assertThat(contentRequests).hasValue(1);
    assertThat(serdes.transientRetries()).isZero();
  }

  @Test
  void aSchemaIdNotCachedWhileTheRegistryStaysDownFailsTransientlyAfterTheBudget()
      throws IOException {
    server.stop(0);

    assertThatThrownBy(() -> deserializer().deserialize("t-requests", wire(KNOWN_ID)))
        .isInstanceOf(RegistryUnavailableException.class)
        .satisfies(e -> assertThat(TransientFailures.isTransient(e)).isTrue());
    assertThat(serdes.transientRetries()).isPositive();
  }

  @Test
  void anUnknownSchemaIdIsTheRecordsFaultAndFailsAtOnce() throws IOException {
    assertThatThrownBy(() -> deserializer().deserialize("t-requests", wire(UNKNOWN_ID)))
        .satisfies(e -> assertThat(TransientFailures.isTransient(e)).isFalse());
    assertThat(serdes.transientRetries()).isZero();
  }

  @Test
  void garbageFailsWithoutAskingTheRegistry() {
    assertThatThrownBy(() -> deserializer().deserialize("t-requests", new byte[] {9, 9, 9}))
        .satisfies(e -> assertThat(TransientFailures.isTransient(e)).isFalse());
    assertThat(contentRequests).hasValue(0);
  }
}
