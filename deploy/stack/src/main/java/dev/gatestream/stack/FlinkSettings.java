package dev.gatestream.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the local Flink session cluster lives and how it is bound and sized.
 *
 * @param home project root: where {@code deploy/flink/target/lib} is
 * @param dataDir the stack's data directory; the cluster keeps its config, checkpoints, savepoints,
 *     logs and pid files under {@code dataDir/flink}
 * @param host address the JobManager and the TaskManagers bind to, normally {@code 127.0.0.1}
 * @param restPort the JobManager's REST API (and web UI)
 * @param rpcPort the JobManager's RPC port, which TaskManagers register at
 * @param taskManagers how many TaskManager processes {@link FlinkCluster#up()} keeps running
 * @param slotsPerTaskManager task slots of each TaskManager
 * @param startTimeout how long {@link FlinkCluster#up()} waits for each process to be ready
 */
public record FlinkSettings(
    Path home,
    Path dataDir,
    String host,
    int restPort,
    int rpcPort,
    int taskManagers,
    int slotsPerTaskManager,
    Duration startTimeout) {

  public static final int DEFAULT_REST_PORT = 8081;
  public static final int DEFAULT_RPC_PORT = 6123;
  public static final int DEFAULT_TASK_MANAGERS = 1;
  public static final int DEFAULT_SLOTS = 2;
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

  public FlinkSettings {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(startTimeout, "startTimeout");
    home = home.toAbsolutePath().normalize();
    dataDir = dataDir.toAbsolutePath().normalize();
    if (restPort < 1 || restPort > 65535 || rpcPort < 1 || rpcPort > 65535) {
      throw new IllegalArgumentException("ports out of range: " + restPort + ", " + rpcPort);
    }
    if (restPort == rpcPort) {
      throw new IllegalArgumentException("REST and RPC ports must differ: " + restPort);
    }
    if (taskManagers < 1 || slotsPerTaskManager < 1) {
      throw new IllegalArgumentException(
          "at least one TaskManager with one slot, got "
              + taskManagers
              + " with "
              + slotsPerTaskManager);
    }
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive");
    }
  }

  /** Beside the local stack: its data directory and host, ports 8081 and 6123, one TaskManager. */
  public static FlinkSettings of(StackSettings stack) {
    return new FlinkSettings(
        stack.home(),
        stack.dataDir(),
        stack.host(),
        DEFAULT_REST_PORT,
        DEFAULT_RPC_PORT,
        DEFAULT_TASK_MANAGERS,
        DEFAULT_SLOTS,
        DEFAULT_START_TIMEOUT);
  }

  public FlinkSettings withPorts(int newRestPort, int newRpcPort) {
    return new FlinkSettings(
        home,
        dataDir,
        host,
        newRestPort,
        newRpcPort,
        taskManagers,
        slotsPerTaskManager,
        startTimeout);
  }

  public FlinkSettings withTaskManagers(int count, int slots) {
    return new FlinkSettings(home, dataDir, host, restPort, rpcPort, count, slots, startTimeout);
  }

  /** {@code deploy/flink/target/lib}: the cluster's runtime classpath. */
  public Path libDir() {
    return home.resolve("deploy/flink/target/lib");
  }

  /** {@code dataDir/flink}: everything the cluster writes. */
  public Path clusterDir() {
    return dataDir.resolve("flink");
  }

  /** Where every job's retained checkpoints go, one sub-directory per job id. */
  public Path checkpointDir() {
    return clusterDir().resolve("checkpoints");
  }

  /** Where savepoints go unless a request names a directory. */
  public Path savepointDir() {
    return clusterDir().resolve("savepoints");
  }

  /** Base URL of the REST API, e.g. {@code http://127.0.0.1:8081}. */
  public String restUrl() {
    return "http://" + host + ":" + restPort;
  }
}
