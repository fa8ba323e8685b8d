package dev.gatestream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka broker of the local stack: one node in KRaft combined mode, its storage formatted once
 * with a cluster id that is generated once and kept, its configuration rewritten on every start
 * (see {@link BrokerConfig}). The first node is named {@value #NAME}, further ones {@code
 * broker-N}; each has its own pid file, logs and configuration files.
 */
final class KafkaBroker implements StackComponent {

  static final String NAME = "broker";

  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final int FORMAT_HEAP_MB = 128;

  private final StackSettings settings;
  private final int node;
  private final String name;
  private final Path kafkaDir;
  private final Path configDir;
  private final Path logDir;
  private final ProcessSupervisor process;
  private final StackSecurity security;

  /**
   * @param node the node id, 1 to {@link StackSettings#brokers()}
   * @param kafkaDir the broker's data ({@code log.dirs})
   * @param configDir where server.properties and its log4j2 configuration are written
   * @param security the secrets of a secured broker, or null for a plain one
   */
  KafkaBroker(
      StackSettings settings,
      int node,
      Path kafkaDir,
      Path configDir,
      Path runDir,
      Path logDir,
      StackSecurity security) {
    this.settings = settings;
    this.node = node;
    this.name = name(node);
    this.security = security;
    this.kafkaDir = kafkaDir;
    this.configDir = configDir;
    this.logDir = logDir;
    this.process =
        new ProcessSupervisor(
            name,
            settings.brokers() == 1 ? "kafka broker" : "kafka broker " + node,
            settings.dataDir(),
            runDir,
            logDir);
  }

  /**
   * How the stack names node {@code node}: {@value #NAME} for the first, {@code broker-N} after.
   */
  static String name(int node) {
    return node == BrokerConfig.FIRST_NODE ? NAME : NAME + "-" + node;
  }

  int node() {
    return node;
  }

  @Override
  public ProcessSupervisor process() {
    return process;
  }

  /** {@code host:brokerPort}, for {@code bootstrap.servers}. */
  @Override
  public String endpoint() {
    return settings.host() + ":" + settings.brokerPort(node);
  }

  @Override
  public int port() {
    return settings.brokerPort(node);
  }

  /** The cluster id, once the data directory has been formatted. */
  Optional<String> clusterId() {
    Path meta = kafkaDir.resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      props.load(in);
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(props.getProperty("cluster.id"));
  }

  @Override
  public void checkStartable() throws StackException {
    if (!libPresent()) {
      throw StackComponent.notBuilt(
          settings,
          "kafka broker not built",
          settings.brokerLibDir(),
          "mvn -pl deploy/broker package");
    }
    Ports.requireFree(settings.host(), settings.brokerPort(node), process.label());
    Ports.requireFree(
        settings.host(),
        settings.controllerPort(node),
        settings.brokers() == 1 ? "kafka controller" : "kafka controller " + node);
  }

  @Override
  public ProcessHandle start() throws StackException {
    String suffix = node == BrokerConfig.FIRST_NODE ? "" : "-" + node;
    Path serverProperties = configDir.resolve("server" + suffix + ".properties");
    Path log4j = configDir.resolve(name + "-log4j2.xml");
    try {
      Files.writeString(
          serverProperties,
          security == null
              ? BrokerConfig.renderServerProperties(settings, node, kafkaDir)
              : BrokerConfig.renderSecureServerProperties(settings, kafkaDir, security));
      Files.writeString(log4j, BrokerConfig.renderLog4j2(logDir, name));
    } catch (IOException e) {
      throw new StackException(
          "cannot write broker configuration in " + configDir + ": " + e.getMessage(), e);
    }
    formatOnce(serverProperties, log4j);
    return process.start(
        JvmCommand.mainClass(
                settings.brokerHeapMb(), classpath(), "kafka.Kafka", serverProperties.toString())
            .withSystemProperty("log4j2.configurationFile", log4j)
            .withSystemProperty("kafka.logs.dir", logDir));
  }

  /**
   * Listener open, then describeCluster names this node: it has joined the cluster and is not
   * fenced.
   */
  @Override
  public boolean ready(Duration budget) {
    int connectMillis = (int) Math.max(50, Math.min(1000, budget.toMillis()));
    if (!Ports.isListening(settings.host(), settings.brokerPort(), connectMillis)) {
      return false;
    }
    long apiMillis = Math.max(500, Math.min(5000, budget.toMillis()));
    // Not the project's client factory: this probes the listener the stack configured itself
    // (as the super user when secured), which a deployment's kafka.* settings must not reach.
    Properties props = new Properties();
    if (security != null) {
      props.putAll(security.superUserClientProperties());
    }
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoint());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gatestream-stack-readiness");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) apiMillis);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) apiMillis);
    props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
    try (Admin admin = Admin.create(props)) {
      Collection<Node> nodes =
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs((int) apiMillis))
              .nodes()
              .get(apiMillis, TimeUnit.MILLISECONDS);
      return nodes.stream().anyMatch(n -> n.id() == node);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return false;
    }
  }

  /** Formats the KRaft storage exactly once per data directory. */
  private void formatOnce(Path serverProperties, Path log4j) throws StackException {
    if (Files.isRegularFile(kafkaDir.resolve("meta.properties"))) {
      return;
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "format",
                "--cluster-id",
                clusterIdToFormatWith(),
                "--config",
                serverProperties.toString(),
                "--ignore-formatted"));
    if (security != null) {
      // the super user's credentials go into the first metadata: no listener is open without them
      args.addAll(
          List.of(
              "--add-scram",
              StackSecurity.MECHANISM
                  + "=[name="
                  + StackSecurity.SUPER_USER
                  + ",password="
                  + security.superUserPassword()
                  + "]"));
    }
    JvmCommand format =
        JvmCommand.mainClass(
                FORMAT_HEAP_MB, classpath(), "kafka.tools.StorageTool", args.toArray(String[]::new))
            .withSystemProperty("log4j2.configurationFile", log4j);
    ProcessSupervisor.runToCompletion(
        format,
        settings.dataDir(),
        logDir.resolve(node == BrokerConfig.FIRST_NODE ? "format.out" : name + "-format.out"),
        FORMAT_TIMEOUT,
        "formatting kafka storage");
  }

  private String clusterIdToFormatWith() throws StackException {
    Path file = settings.dataDir().resolve("cluster.id");
    try {
      if (Files.isRegularFile(file)) {
        String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!id.isEmpty()) {
          return id;
        }
      }
      String id = Uuid.randomUuid().toString();
      Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
      return id;
    } catch (IOException e) {
      throw new StackException("cannot read or write " + file + ": " + e.getMessage(), e);
    }
  }

  private String classpath() {
    return settings.brokerLibDir().resolve("*").toString();
  }

  private boolean libPresent() {
    Path lib = settings.brokerLibDir();
    if (!Files.isDirectory(lib)) {
      return false;
    }
    try (Stream<Path> files = Files.list(lib)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
    } catch (IOException e) {
      return false;
    }
  }
}
