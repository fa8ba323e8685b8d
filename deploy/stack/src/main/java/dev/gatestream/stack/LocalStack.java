package dev.gatestream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The local stack: a Kafka KRaft broker (or a cluster of {@link StackSettings#brokers()}) and a
 * schema registry, each in its own JVM, started detached (they outlive the JVM that started them)
 * and tracked by pid files under {@code dataDir/run}.
 *
 * <p>Layout of {@code dataDir}: {@code kafka/} (broker data, formatted once; a cluster of N keeps
 * node n's in {@code kafka-N-brokers/node-n/}), {@code cluster.id}, {@code config/}
 * (server.properties and the broker's log4j2 configuration, rewritten on every {@code up}), {@code
 * logs/} (broker.log, registry.log and each child's console output in *.out) and {@code run/} (pid
 * files). A secured stack keeps its broker data in {@code kafka-secure/} and its secrets in {@code
 * secure/} (see {@link StackSecurity}).
 */
public final class LocalStack {

  public static final String BROKER = KafkaBroker.NAME;
  public static final String REGISTRY = SchemaRegistry.NAME;

  private final StackSettings settings;
  private final List<Path> directories;
  private final List<KafkaBroker> brokers;
  private final SchemaRegistry registry;
  private final StackSecurity security;

  /**
   * @param settings how to start the stack; a stack already started with more brokers (its pid
   *     files tell) is taken with as many, so that every command reaches, shows and stops them all
   */
  public LocalStack(StackSettings settings) {
    Path data = settings.dataDir();
    Path configDir = data.resolve("config");
    Path logDir = data.resolve("logs");
    Path runDir = data.resolve("run");
    int recorded = recordedBrokers(runDir);
    if (recorded > settings.brokers()) {
      settings = settings.withBrokers(recorded);
    }
    this.settings = settings;
    this.directories = new ArrayList<>(List.of(data, configDir, logDir, runDir));
    this.security = settings.secure() ? new StackSecurity(data, logDir, settings.host()) : null;
    this.brokers = new ArrayList<>();
    for (int node = 1; node <= settings.brokers(); node++) {
      Path kafkaDir = kafkaDir(data, settings, node);
      directories.add(kafkaDir);
      brokers.add(new KafkaBroker(settings, node, kafkaDir, configDir, runDir, logDir, security));
    }
    this.registry = new SchemaRegistry(settings, runDir, logDir, security);
  }

  /** The highest node with a pid file of this stack's, 0 for none. */
  private static int recordedBrokers(Path runDir) {
    for (int node = StackSettings.MAX_BROKERS; node > 1; node--) {
      if (Files.isRegularFile(runDir.resolve(KafkaBroker.name(node) + ".pid"))) {
        return node;
      }
    }
    return 0;
  }

  /**
   * Broker data: one broker's in {@code kafka/}; a cluster's apart, as a node formatted for another
   * quorum cannot join this one.
   */
  private static Path kafkaDir(Path data, StackSettings settings, int node) {
    if (settings.brokers() == 1) {
      // A secured broker's first metadata holds the super user: it cannot reuse a plain one's data.
      return data.resolve(settings.secure() ? "kafka-secure" : "kafka");
    }
    return data.resolve("kafka-" + settings.brokers() + "-brokers").resolve("node-" + node);
  }

  /** The secrets of a secured stack (made by {@link #up()}); empty for a plain one. */
  public Optional<StackSecurity> security() {
    return Optional.ofNullable(security);
  }

  public StackSettings settings() {
    return settings;
  }

  /** Every broker's {@code host:port}, comma-separated, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return String.join(",", brokers.stream().map(KafkaBroker::endpoint).toList());
  }

  /**
   * The pid file name of broker {@code node} (1-based): {@value #BROKER}, then {@code broker-N}.
   */
  public static String brokerName(int node) {
    return KafkaBroker.name(node);
  }

  /**
   * Kills broker {@code node} with SIGKILL, as a crash would: nothing of it runs its shutdown. Its
   * data stays, and {@link #up()} starts it again. Returns once it is gone.
   */
  public void killBroker(int node) throws StackException {
    brokers.get(node - 1).process().kill();
  }

  /**
   * Base URL of the registry, e.g. {@code http://127.0.0.1:8085}; the Confluent-compatible API is
   * under /apis/ccompat/v7.
   */
  public String registryUrl() {
    return registry.endpoint();
  }

  /** The Kafka cluster id, once the data directory has been formatted. */
  public Optional<String> clusterId() {
    return brokers.get(0).clusterId();
  }

  /**
   * Starts whatever is not running yet (broker first, then registry) and waits until each is ready.
   * Components already running from this data directory are left alone; stale pid files are
   * removed.
   */
  public StackStatus up() throws StackException {
    createDirectories();
    if (security != null) {
      security.ensure();
    }
    List<StackComponent> components = startOrder();
    List<Optional<ProcessHandle>> running = new ArrayList<>();
    for (StackComponent component : components) {
      running.add(component.process().liveOrClearStale());
    }
    // Everything that must hold before starting anything: built artifacts and free ports.
    for (int i = 0; i < components.size(); i++) {
      if (running.get(i).isEmpty()) {
        components.get(i).checkStartable();
      }
    }
    // The brokers together: none is ready before a majority of the quorum runs.
    int brokerCount = brokers.size();
    startAndAwait(components.subList(0, brokerCount), running.subList(0, brokerCount));
    startAndAwait(
        components.subList(brokerCount, components.size()),
        running.subList(brokerCount, components.size()));
    return status();
  }

  private void startAndAwait(List<StackComponent> components, List<Optional<ProcessHandle>> running)
      throws StackException {
    List<ProcessHandle> processes = new ArrayList<>();
    for (int i = 0; i < components.size(); i++) {
      processes.add(running.get(i).isEmpty() ? components.get(i).start() : running.get(i).get());
    }
    for (int i = 0; i < components.size(); i++) {
      StackComponent component = components.get(i);
      component
          .process()
          .awaitReady(
              processes.get(i),
              running.get(i).isEmpty(),
              component::ready,
              settings.startTimeout());
    }
  }

  /**
   * Stops the processes recorded in this stack's pid files (registry first): SIGTERM, up to 30 s
   * for a clean shutdown, then a forced kill. Removes the pid files. Nothing running is not an
   * error.
   */
  public StackStatus down() throws StackException {
    List<String> failures = new ArrayList<>();
    List<StackComponent> stopOrder = new ArrayList<>(startOrder());
    Collections.reverse(stopOrder);
    for (StackComponent component : stopOrder) {
      try {
        component.process().stop();
      } catch (StackException e) {
        failures.add(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new StackException(String.join("; ", failures));
    }
    return status();
  }

  /** What runs now, read-only: pid files are inspected, not changed. */
  public StackStatus status() {
    List<ComponentStatus> statuses = new ArrayList<>();
    for (StackComponent component : startOrder()) {
      statuses.add(
          component.process().status(component.endpoint(), settings.host(), component.port()));
    }
    return new StackStatus(statuses);
  }

  /**
   * Brokers, then registry: the order of {@code up} and {@code status}; {@code down} goes the other
   * way.
   */
  private List<StackComponent> startOrder() {
    List<StackComponent> order = new ArrayList<>(brokers);
    order.add(registry);
    return order;
  }

  private void createDirectories() throws StackException {
    for (Path dir : directories) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new StackException("cannot create directory " + dir + ": " + e.getMessage(), e);
      }
    }
  }
}
