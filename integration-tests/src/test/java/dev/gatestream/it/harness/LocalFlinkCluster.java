package dev.gatestream.it.harness;

import dev.gatestream.stack.FlinkCluster;
import dev.gatestream.stack.FlinkSettings;
import dev.gatestream.stack.StackException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A Flink session cluster of the test's own (JobManager and TaskManager processes from
 * deploy/flink) on free ports, its files under {@code integration-tests/target/} (kept, for the
 * logs); stopped on close, or by a shutdown hook if the JVM goes first.
 */
public final class LocalFlinkCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final FlinkCluster cluster;
  private final Thread shutdownHook;

  private LocalFlinkCluster(FlinkCluster cluster) {
    this.cluster = cluster;
    this.shutdownHook = new Thread(this::stopQuietly, "gatestream-it-flink-shutdown");
  }

  /** Starts a JobManager and {@code taskManagers} TaskManagers of {@code slots} slots each. */
  public static LocalFlinkCluster start(int taskManagers, int slots) throws StackException {
    Path home = EphemeralLocalStack.home();
    int[] ports = EphemeralLocalStack.freePorts(2);
    FlinkSettings settings =
        new FlinkSettings(
            home,
            home.resolve(
                "integration-tests/target/it-flink-"
                    + UUID.randomUUID().toString().substring(0, 8)),
            "127.0.0.1",
            ports[0],
            ports[1],
            taskManagers,
            slots,
            START_TIMEOUT);
    LocalFlinkCluster local = new LocalFlinkCluster(new FlinkCluster(settings));
    Runtime.getRuntime().addShutdownHook(local.shutdownHook);
    try {
      local.cluster.up();
    } catch (StackException | RuntimeException e) {
      local.close();
      throw e;
    }
    return local;
  }

  public FlinkCluster cluster() {
    return cluster;
  }

  @Override
  public void close() throws StackException {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway
    }
    cluster.down();
  }

  private void stopQuietly() {
    try {
      cluster.down();
    } catch (StackException | RuntimeException e) {
      System.err.println("[gatestream-it] could not stop the Flink cluster: " + e.getMessage());
    }
  }
}
