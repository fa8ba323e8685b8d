package dev.gatestream.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One TaskManager of the local Flink session cluster ({@code TaskManagerRunner}), registered at the
 * JobManager under the resource id {@code taskmanager-N}: the same id after a restart, so that the
 * REST API's TaskManagers can be told apart and matched with their processes.
 */
final class FlinkTaskManager {

  static final String MAIN_CLASS = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

  private final FlinkSettings settings;
  private final Path configDir;
  private final String resourceId;
  private final ProcessSupervisor process;
  private final FlinkRestProbe rest;

  FlinkTaskManager(FlinkSettings settings, int index, Path configDir, Path runDir, Path logDir) {
    this.settings = settings;
    this.configDir = configDir;
    this.resourceId = "taskmanager-" + index;
    this.process =
        new ProcessSupervisor(
            resourceId, "flink " + resourceId, settings.clusterDir(), runDir, logDir);
    this.rest = new FlinkRestProbe(settings.restUrl());
  }

  String resourceId() {
    return resourceId;
  }

  ProcessSupervisor process() {
    return process;
  }

  ProcessHandle start() throws StackException {
    JvmCommand command =
        FlinkCluster.command(
                settings,
                configDir,
                process,
                FlinkConfig.taskManagerHeapMb(),
                MAIN_CLASS,
                "-D",
                "taskmanager.resource-id=" + resourceId)
            .withOptions(FlinkConfig.taskManagerMemoryOptions().toArray(String[]::new));
    return process.start(command);
  }

  /** Registered at the JobManager: its REST API lists this resource id. */
  boolean ready(Duration budget) {
    return rest.taskManagerIds(budget).map(ids -> ids.contains(resourceId)).orElse(false);
  }
}
