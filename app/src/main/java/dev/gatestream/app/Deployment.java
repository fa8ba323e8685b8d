package dev.gatestream.app;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.RegistryClients;
import dev.gatestream.clients.ServiceCredentials;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import dev.gatestream.stack.ComponentStatus;
import dev.gatestream.stack.LocalStack;
import dev.gatestream.stack.StackSettings;
import dev.gatestream.stack.StackStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;

/**
 * Where the commands find Kafka and the registry: an existing cluster when {@code bootstrap} is
 * set, otherwise the local stack, which must then be running.
 */
public final class Deployment {

  private final GatestreamConfig config;
  private final LocalStack localStack;

  /**
   * @param home the project root, which the stack directory of the configuration resolves against
   */
  public Deployment(GatestreamConfig config, Path home) {
    if (config.usesExternalCluster() && config.getString(GatestreamConfig.REGISTRY_URL).isBlank()) {
      throw new UserError(
          "bootstrap points at an existing cluster but registry.url is not set"
              + " (set GATESTREAM_REGISTRY_URL or --registry-url)");
    }
    this.localStack = new LocalStack(stackSettings(config, home));
    this.config = withStackCredentials(withStackReplication(config, localStack), localStack);
  }

  /**
   * On a local stack of several brokers, topics (and Kafka Streams' internal ones) have as many
   * replicas as it has brokers, at most three, unless topic.replication says otherwise.
   */
  static GatestreamConfig withStackReplication(GatestreamConfig config, LocalStack localStack) {
    if (config.usesExternalCluster()
        || config.originals().containsKey(GatestreamConfig.TOPIC_REPLICATION)
        || localStack.settings().brokers() == 1) {
      return config;
    }
    Map<String, Object> values = new HashMap<>(config.originals());
    values.put(
        GatestreamConfig.TOPIC_REPLICATION,
        Integer.toString(localStack.settings().replicationFactor()));
    return new GatestreamConfig(values);
  }

  /**
   * On the secured local stack, every client connects with the credentials the stack wrote, unless
   * client.credentials.dir says otherwise.
   */
  private static GatestreamConfig withStackCredentials(
      GatestreamConfig config, LocalStack localStack) {
    if (config.usesExternalCluster()
        || !config.getString(GatestreamConfig.CLIENT_CREDENTIALS_DIR).isBlank()
        || localStack.security().isEmpty()) {
      return config;
    }
    Map<String, Object> values = new HashMap<>(config.originals());
    values.put(
        GatestreamConfig.CLIENT_CREDENTIALS_DIR,
        localStack.security().get().credentialsDir().toString());
    return new GatestreamConfig(values);
  }

  public GatestreamConfig config() {
    return config;
  }

  public LocalStack localStack() {
    return localStack;
  }

  public boolean external() {
    return config.usesExternalCluster();
  }

  public String bootstrapServers() {
    if (external()) {
      return config.getString(GatestreamConfig.BOOTSTRAP);
    }
    // Of several brokers, one running will do: clients find the others through it.
    StackStatus status = localStack.status();
    boolean anyBroker =
        IntStream.rangeClosed(1, localStack.settings().brokers())
            .anyMatch(
                node ->
                    status
                        .component(LocalStack.brokerName(node))
                        .map(ComponentStatus::running)
                        .orElse(false));
    if (!anyBroker) {
      requireLocalComponent(LocalStack.BROKER);
    }
    return localStack.bootstrapServers();
  }

  public String registryUrl() {
    String url = config.getString(GatestreamConfig.REGISTRY_URL);
    if (!url.isBlank()) {
      return url;
    }
    requireLocalComponent(LocalStack.REGISTRY);
    return localStack.registryUrl();
  }

  public Duration clientTimeout() {
    return Duration.ofMillis(config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS));
  }

  /** The factory of this deployment's Kafka clients. */
  public KafkaClients clients() {
    return new KafkaClients(config, bootstrapServers());
  }

  /**
   * An admin client whose cluster answered; a one-line error names the bootstrap if it does not.
   */
  public Admin connectedAdmin() {
    KafkaClients clients = clients();
    String bootstrap = clients.bootstrapServers();
    int timeoutMs = config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS);
    Admin admin =
        clients.admin(clients.ids().job("admin", Long.toString(ProcessHandle.current().pid())));
    try {
      admin.describeCluster().clusterId().get(timeoutMs, TimeUnit.MILLISECONDS);
      return admin;
    } catch (TimeoutException | ExecutionException e) {
      admin.close(Duration.ZERO);
      throw new KafkaException(
          "cannot reach Kafka at "
              + bootstrap
              + " within "
              + timeoutMs / 1000
              + "s (is the broker running and the address right?)");
    } catch (InterruptedException e) {
      admin.close(Duration.ZERO);
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while connecting to Kafka at " + bootstrap);
    } catch (KafkaException e) {
      admin.close(Duration.ZERO);
      throw new KafkaException("cannot use Kafka at " + bootstrap + ": " + e.getMessage());
    }
  }

  /** The factory of this deployment's registry clients (serdes, admin calls). */
  public RegistryClients registry() {
    return RegistryClients.of(
        ServiceCredentials.apply(config, ServicePrincipal.CLIENTS), registryUrl());
  }

  /** A registry client whose registry answered. */
  public SchemaRegistryAdmin connectedRegistry() {
    SchemaRegistryAdmin registry = registry().admin(clientTimeout());
    registry.subjects();
    return registry;
  }

  private void requireLocalComponent(String component) {
    StackStatus status = localStack.status();
    boolean running = status.component(component).map(ComponentStatus::running).orElse(false);
    if (!running) {
      throw new UserError(
          "the local stack's "
              + component
              + " is not running: start it with"
              + " './gatestream stack up', or point at a cluster with GATESTREAM_BOOTSTRAP and"
              + " GATESTREAM_REGISTRY_URL");
    }
  }

  public static StackSettings stackSettings(GatestreamConfig config, Path home) {
    return new StackSettings(
        home,
        home.resolve(config.getString(GatestreamConfig.STACK_DIR)),
        config.getString(GatestreamConfig.STACK_HOST),
        config.getInt(GatestreamConfig.STACK_BROKER_PORT),
        config.getInt(GatestreamConfig.STACK_CONTROLLER_PORT),
        config.getInt(GatestreamConfig.STACK_REGISTRY_PORT),
        config.getInt(GatestreamConfig.STACK_BROKER_HEAP_MB),
        config.getInt(GatestreamConfig.STACK_REGISTRY_HEAP_MB),
        Duration.ofMillis(config.getLong(GatestreamConfig.STACK_START_TIMEOUT_MS)),
        config.getBoolean(GatestreamConfig.STACK_SECURE),
        config.getInt(GatestreamConfig.STACK_BROKERS));
  }
}
