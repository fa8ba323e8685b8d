package dev.gatestream.gateway;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous HTTP in front of the asynchronous pipeline: {@code POST /v1/infer} produces an {@link
 * InferenceRequest} whose replyTo is this instance's own reply topic and answers with the {@link
 * FusedResult} fusion writes there ({@link GatewayHttp} serves, {@link KafkaInference} sends and
 * reads). Each instance reads only its reply topic, so any number of them can run without shared
 * correlation state.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private final String instanceId;
  private final GatewayMetrics metrics;
  private KafkaInference inference;
  private GatewayHttp http;

  private Gateway(String instanceId) {
    this.instanceId = instanceId;
    this.metrics = new GatewayMetrics(instanceId);
  }

  /**
   * Creates this instance's reply topic, starts reading it, then serves HTTP on {@code
   * gateway.host:gateway.port}; returns once requests can be answered.
   */
  public static Gateway start(GatestreamConfig config, String bootstrapServers, String registryUrl)
      throws IOException {
    return start(config, bootstrapServers, registryUrl, Optional::empty);
  }

  /**
   * As {@link #start(GatestreamConfig, String, String)}, for a gateway in the process that runs the
   * stages behind it: {@code /v1/health} is also DOWN while {@code pipeline} names a problem.
   *
   * @param pipeline what is wrong with the stages (e.g. "router: ERROR"), empty when they are well
   */
  public static Gateway start(
      GatestreamConfig config,
      String bootstrapServers,
      String registryUrl,
      Supplier<Optional<String>> pipeline)
      throws IOException {
    String configuredId = config.getString(GatestreamConfig.GATEWAY_INSTANCE_ID);
    boolean randomId = configuredId.isBlank();
    String instanceId =
        randomId ? "gw-" + UUID.randomUUID().toString().substring(0, 8) : configuredId;
    if (!INSTANCE_ID.matcher(instanceId).matches()) {
      throw new IllegalArgumentException(
          GatestreamConfig.GATEWAY_INSTANCE_ID
              + " '"
              + instanceId
              + "' must be 1-100 characters of [A-Za-z0-9._-]");
    }
    Gateway gateway = new Gateway(instanceId);
    try {
      gateway.inference =
          KafkaInference.open(
              config,
              new KafkaClients(config, bootstrapServers).as(ServicePrincipal.GATEWAY),
              registryUrl,
              instanceId,
              randomId,
              Clock.systemUTC(),
              pipeline);
      gateway.http =
          new GatewayHttp(GatewaySettings.from(config), gateway.inference, gateway.metrics);
    } catch (IOException | RuntimeException e) {
      gateway.close();
      throw e;
    }
    LOG.info(
        "gateway {} serving on {}, replies on {}", instanceId, gateway.uri(), gateway.replyTopic());
    return gateway;
  }

  public String instanceId() {
    return instanceId;
  }

  public String replyTopic() {
    return inference.replyTopic();
  }

  /** The port served, useful when {@code gateway.port} is 0. */
  public int port() {
    return http.port();
  }

  /** Base URI of the HTTP API, e.g. {@code http://127.0.0.1:8088}. */
  public URI uri() {
    return http.uri();
  }

  @Override
  public void close() {
    // Replies before the HTTP threads: a result arriving meanwhile still finds them to answer on.
    if (http != null) {
      http.stopAccepting();
    }
    if (inference != null) {
      inference.close();
    }
    if (http != null) {
      http.close();
    }
    metrics.close();
  }
}
