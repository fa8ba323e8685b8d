package dev.gatestream.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The JobManager of the local Flink session cluster: {@code StandaloneSessionClusterEntrypoint}
 * with its dispatcher, resource manager and the REST API, jar upload and run included.
 */
final class FlinkJobManager implements StackComponent {

  static final String NAME = "flink-jobmanager";
  static final String MAIN_CLASS =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";

  private final FlinkSettings settings;
  private final Path configDir;
  private final ProcessSupervisor process;
  private final FlinkRestProbe rest;

  FlinkJobManager(FlinkSettings settings, Path configDir, Path runDir, Path logDir) {
    this.settings = settings;
    this.configDir = configDir;
    this.process =
        new ProcessSupervisor(NAME, "flink jobmanager", settings.clusterDir(), runDir, logDir);
    this.rest = new FlinkRestProbe(settings.restUrl());
  }

  @Override
  public ProcessSupervisor process() {
    return process;
  }

  @Override
  public String endpoint() {
    return settings.restUrl();
  }

  @Override
  public int port() {
    return settings.restPort();
  }

  @Override
  public void checkStartable() throws StackException {
    FlinkCluster.requireLib(settings);
    Ports.requireFree(settings.host(), settings.restPort(), "flink rest");
    Ports.requireFree(settings.host(), settings.rpcPort(), "flink jobmanager rpc");
  }

  @Override
  public ProcessHandle start() throws StackException {
    return process.start(
        FlinkCluster.command(
            settings, configDir, process, FlinkConfig.JOB_MANAGER_HEAP_MB, MAIN_CLASS));
  }

  /** The REST API answers /overview. */
  @Override
  public boolean ready(Duration budget) {
    return rest.get("/overview", budget).isPresent();
  }
}
