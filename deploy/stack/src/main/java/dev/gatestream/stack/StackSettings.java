package dev.gatestream.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the local stack lives and how it is bound.
 *
 * @param home project root: where {@code deploy/broker/target/lib} and {@code
 *     deploy/registry/target/quarkus-app} are
 * @param dataDir state of the stack (kafka data, configs, logs, pid files), e.g. {@code
 *     home/.gatestream}
 * @param host address every component binds to, normally {@code 127.0.0.1}
 * @param brokerPort PLAINTEXT listener of the broker (clients)
 * @param controllerPort CONTROLLER listener of the KRaft controller
 * @param registryPort HTTP port of the schema registry
 * @param brokerHeapMb -Xmx of the broker JVM
 * @param registryHeapMb -Xmx of the registry JVM
 * @param startTimeout how long {@link LocalStack#up()} waits for each component to become ready
 * @param secure SASL_SSL broker with ACLs and an https registry (see {@link StackSecurity})
 * @param brokers how many brokers (each a KRaft broker and controller in one JVM); node {@code n}
 *     listens on {@code brokerPort + 2(n-1)} and {@code controllerPort + 2(n-1)}
 */
public record StackSettings(
    Path home,
    Path dataDir,
    String host,
    int brokerPort,
    int controllerPort,
    int registryPort,
    int brokerHeapMb,
    int registryHeapMb,
    Duration startTimeout,
    boolean secure,
    int brokers) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_BROKER_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_REGISTRY_PORT = 8085;
  public static final int DEFAULT_HEAP_MB = 256;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  public static final int MAX_BROKERS = 5;

  /** Replicas of every topic: three once there are three brokers, so one may fail. */
  static final int MAX_REPLICATION = 3;

  /** Node {@code n}'s ports are this many times {@code n-1} above the first node's. */
  private static final int PORT_STRIDE = 2;

  public StackSettings {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startTimeout, "startTimeout");
    home = home.toAbsolutePath().normalize();
    dataDir = dataDir.toAbsolutePath().normalize();
    if (brokers < 1 || brokers > MAX_BROKERS) {
      throw new IllegalArgumentException(
          "brokers must be between 1 and " + MAX_BROKERS + ": " + brokers);
    }
    if (secure && brokers > 1) {
      throw new IllegalArgumentException("a secured stack has one broker, not " + brokers);
    }
    Set<Integer> ports = new HashSet<>();
    ports.add(registryPort);
    checkPort("registryPort", registryPort);
    for (int node = 1; node <= brokers; node++) {
      int broker = brokerPort + PORT_STRIDE * (node - 1);
      int controller = controllerPort + PORT_STRIDE * (node - 1);
      checkPort("brokerPort of node " + node, broker);
      checkPort("controllerPort of node " + node, controller);
      if (!ports.add(broker) || !ports.add(controller)) {
        throw new IllegalArgumentException(
            "broker, controller and registry ports must differ: broker "
                + brokerPort
                + ", controller "
                + controllerPort
                + ", registry "
                + registryPort
                + (brokers > 1 ? " (with " + brokers + " brokers)" : ""));
      }
    }
    if (brokerHeapMb < 64 || registryHeapMb < 64) {
      throw new IllegalArgumentException("heap sizes must be at least 64 MB");
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive");
    }
  }

  /** A plain (not secured) stack of one broker. */
  public StackSettings(
      Path home,
      Path dataDir,
      String host,
      int brokerPort,
      int controllerPort,
      int registryPort,
      int brokerHeapMb,
      int registryHeapMb,
      Duration startTimeout) {
    this(
        home,
        dataDir,
        host,
        brokerPort,
        controllerPort,
        registryPort,
        brokerHeapMb,
        registryHeapMb,
        startTimeout,
        false,
        1);
  }

  /**
   * The defaults: data in {@code home/.gatestream}, 127.0.0.1, ports 9092/9093/8085, 256 MB heaps,
   * 60 s.
   */
  public static StackSettings defaults(Path home) {
    return new StackSettings(
        home,
        home.resolve(".gatestream"),
        DEFAULT_HOST,
        DEFAULT_BROKER_PORT,
        DEFAULT_CONTROLLER_PORT,
        DEFAULT_REGISTRY_PORT,
        DEFAULT_HEAP_MB,
        DEFAULT_HEAP_MB,
        DEFAULT_START_TIMEOUT);
  }

  public StackSettings withDataDir(Path newDataDir) {
    return with(b -> b.dataDir = newDataDir);
  }

  public StackSettings withPorts(int newBrokerPort, int newControllerPort, int newRegistryPort) {
    return with(
        b -> {
          b.brokerPort = newBrokerPort;
          b.controllerPort = newControllerPort;
          b.registryPort = newRegistryPort;
        });
  }

  public StackSettings withStartTimeout(Duration newStartTimeout) {
    return with(b -> b.startTimeout = newStartTimeout);
  }

  public StackSettings withSecure(boolean newSecure) {
    return with(b -> b.secure = newSecure);
  }

  public StackSettings withBrokers(int newBrokers) {
    return with(b -> b.brokers = newBrokers);
  }

  private StackSettings with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The components of a settings being changed. */
  private static final class Copy {
    private final Path home;
    Path dataDir;
    private final String host;
    int brokerPort;
    int controllerPort;
    int registryPort;
    private final int brokerHeapMb;
    private final int registryHeapMb;
    Duration startTimeout;
    boolean secure;
    int brokers;

    Copy(StackSettings s) {
      home = s.home;
      dataDir = s.dataDir;
      host = s.host;
      brokerPort = s.brokerPort;
      controllerPort = s.controllerPort;
      registryPort = s.registryPort;
      brokerHeapMb = s.brokerHeapMb;
      registryHeapMb = s.registryHeapMb;
      startTimeout = s.startTimeout;
      secure = s.secure;
      brokers = s.brokers;
    }

    StackSettings build() {
      return new StackSettings(
          home,
          dataDir,
          host,
          brokerPort,
          controllerPort,
          registryPort,
          brokerHeapMb,
          registryHeapMb,
          startTimeout,
          secure,
          brokers);
    }
  }

  /** The client port of node {@code node} (1-based). */
  public int brokerPort(int node) {
    return brokerPort + PORT_STRIDE * (checkNode(node) - 1);
  }

  /** The KRaft controller port of node {@code node} (1-based). */
  public int controllerPort(int node) {
    return controllerPort + PORT_STRIDE * (checkNode(node) - 1);
  }

  /** Replicas of every topic on this stack: one per broker, at most three. */
  public int replicationFactor() {
    return Math.min(MAX_REPLICATION, brokers);
  }

  /**
   * Replicas that must have a write before it is acknowledged: all but one, so one broker may be
   * down without stopping writes, and at least one.
   */
  public int minInsyncReplicas() {
    return Math.max(1, replicationFactor() - 1);
  }

  private int checkNode(int node) {
    if (node < 1 || node > brokers) {
      throw new IllegalArgumentException("no node " + node + " among " + brokers + " brokers");
    }
    return node;
  }

  /** {@code deploy/broker/target/lib}: the broker's runtime classpath. */
  public Path brokerLibDir() {
    return home.resolve("deploy/broker/target/lib");
  }

  /** {@code deploy/registry/target/quarkus-app/quarkus-run.jar}: the registry application. */
  public Path registryJar() {
    return home.resolve("deploy/registry/target/quarkus-app/quarkus-run.jar");
  }

  private static void checkPort(String name, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + " out of range: " + port);
    }
  }
}
