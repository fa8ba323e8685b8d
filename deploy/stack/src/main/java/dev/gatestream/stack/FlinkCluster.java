package dev.gatestream.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster on this machine, from the jars of deploy/flink: one JobManager
 * and {@link FlinkSettings#taskManagers()} TaskManagers, each its own detached JVM tracked by a pid
 * file, like the broker and the registry of the {@link LocalStack}. Jobs are submitted to it
 * through its REST API.
 *
 * <p>Layout of {@code dataDir/flink}: {@code conf/} (config.yaml and log4j2.xml, rewritten on every
 * {@code up}), {@code checkpoints/} and {@code savepoints/} (kept across restarts), {@code logs/}
 * (each process's log and console output), {@code run/} (pid files) and {@code tmp/}.
 */
public final class FlinkCluster {

  public static final String JOB_MANAGER = FlinkJobManager.NAME;

  private final FlinkSettings settings;
  private final Path configDir;
  private final Path tmpDir;
  private final List<Path> directories;
  private final FlinkJobManager jobManager;
  private final List<FlinkTaskManager> taskManagers;

  public FlinkCluster(FlinkSettings settings) {
    this.settings = settings;
    Path cluster = settings.clusterDir();
    this.configDir = cluster.resolve("conf");
    this.tmpDir = cluster.resolve("tmp");
    Path logDir = cluster.resolve("logs");
    Path runDir = cluster.resolve("run");
    this.directories =
        List.of(
            cluster,
            configDir,
            tmpDir,
            logDir,
            runDir,
            settings.checkpointDir(),
            settings.savepointDir());
    this.jobManager = new FlinkJobManager(settings, configDir, runDir, logDir);
    List<FlinkTaskManager> tms = new ArrayList<>();
    for (int i = 1; i <= settings.taskManagers(); i++) {
      tms.add(new FlinkTaskManager(settings, i, configDir, runDir, logDir));
    }
    this.taskManagers = List.copyOf(tms);
  }

  public FlinkSettings settings() {
    return settings;
  }

  /** Base URL of the JobManager's REST API, e.g. {@code http://127.0.0.1:8081}. */
  public String restUrl() {
    return settings.restUrl();
  }

  /**
   * Starts whatever is not running (the JobManager first, then the TaskManagers, all at once) and
   * waits until the REST API answers and lists every TaskManager. What runs already is left alone,
   * so after a TaskManager died, {@code up} starts a new one in its place.
   */
  public StackStatus up() throws StackException {
    createDirectories();
    Optional<ProcessHandle> jmRunning = jobManager.process().liveOrClearStale();
    List<Optional<ProcessHandle>> tmRunning = new ArrayList<>();
    for (FlinkTaskManager tm : taskManagers) {
      tmRunning.add(tm.process().liveOrClearStale());
    }
    boolean anyToStart = jmRunning.isEmpty() || tmRunning.stream().anyMatch(Optional::isEmpty);
    if (jmRunning.isEmpty()) {
      jobManager.checkStartable();
    } else if (anyToStart) {
      requireLib(settings);
    }
    if (anyToStart) {
      writeConfig();
    }
    if (jmRunning.isEmpty()) {
      ProcessHandle jm = jobManager.start();
      jobManager.process().awaitReady(jm, true, jobManager::ready, settings.startTimeout());
    }
    List<ProcessHandle> started = new ArrayList<>();
    for (int i = 0; i < taskManagers.size(); i++) {
      started.add(tmRunning.get(i).isEmpty() ? taskManagers.get(i).start() : null);
    }
    for (int i = 0; i < taskManagers.size(); i++) {
      FlinkTaskManager tm = taskManagers.get(i);
      ProcessHandle process = started.get(i) != null ? started.get(i) : tmRunning.get(i).get();
      tm.process().awaitReady(process, started.get(i) != null, tm::ready, settings.startTimeout());
    }
    return status();
  }

  /**
   * Stops the TaskManagers, then the JobManager (SIGTERM, then a kill). Nothing running is fine.
   */
  public StackStatus down() throws StackException {
    List<String> failures = new ArrayList<>();
    List<ProcessSupervisor> order = new ArrayList<>();
    taskManagers.forEach(tm -> order.add(tm.process()));
    order.add(jobManager.process());
    for (ProcessSupervisor process : order) {
      try {
        process.stop();
      } catch (StackException e) {
        failures.add(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new StackException(String.join("; ", failures));
    }
    return status();
  }

  /** What runs, read-only: the JobManager first, then each TaskManager. */
  public StackStatus status() {
    List<ComponentStatus> statuses = new ArrayList<>();
    statuses.add(
        jobManager.process().status(jobManager.endpoint(), settings.host(), jobManager.port()));
    for (FlinkTaskManager tm : taskManagers) {
      Optional<ProcessHandle> live = tm.process().live();
      statuses.add(
          new ComponentStatus(
              tm.resourceId(),
              live.isPresent(),
              live.map(ProcessHandle::pid).orElse(-1L),
              "registers at " + settings.host() + ":" + settings.rpcPort(),
              live.map(p -> Procs.rssBytes(p.pid())).orElse(-1L),
              live.isPresent() ? "log " + tm.process().log() : "not running"));
    }
    return new StackStatus(statuses);
  }

  /** The resource ids the TaskManagers register under ({@code taskmanager-1}, ...). */
  public List<String> taskManagerIds() {
    return taskManagers.stream().map(FlinkTaskManager::resourceId).toList();
  }

  /** The live process of the TaskManager registered as {@code resourceId}, if it is one of ours. */
  public Optional<ProcessHandle> taskManagerProcess(String resourceId) {
    return taskManagers.stream()
        .filter(tm -> tm.resourceId().equals(resourceId))
        .findFirst()
        .flatMap(tm -> tm.process().live());
  }

  /** The command of one Flink process: its main class on deploy/flink's jars, with conf dir. */
  static JvmCommand command(
      FlinkSettings settings,
      Path configDir,
      ProcessSupervisor process,
      int heapMb,
      String mainClass,
      String... moreArgs) {
    List<String> args = new ArrayList<>(List.of("--configDir", configDir.toString()));
    args.addAll(List.of(moreArgs));
    return JvmCommand.mainClass(
            heapMb,
            settings.libDir().resolve("*").toString(),
            mainClass,
            args.toArray(String[]::new))
        .withOptions(FlinkConfig.JVM_OPTIONS.toArray(String[]::new))
        .withSystemProperty("log.file", process.log())
        .withSystemProperty("log4j.configurationFile", configDir.resolve("log4j2.xml"))
        .withSystemProperty("java.io.tmpdir", settings.clusterDir().resolve("tmp"));
  }

  /** Fails with the one-line "not built" error unless deploy/flink/target/lib holds Flink. */
  static void requireLib(FlinkSettings settings) throws StackException {
    Path lib = settings.libDir();
    boolean present = false;
    if (Files.isDirectory(lib)) {
      try (Stream<Path> files = Files.list(lib)) {
        present = files.anyMatch(f -> f.getFileName().toString().startsWith("flink-runtime-web-"));
      } catch (IOException e) {
        present = false;
      }
    }
    if (!present) {
      Path shown = lib.startsWith(settings.home()) ? settings.home().relativize(lib) : lib;
      throw new StackException(
          "flink runtime not built: " + shown + " (run: mvn -pl deploy/flink package)");
    }
  }

  private void writeConfig() throws StackException {
    try {
      Files.writeString(
          configDir.resolve("config.yaml"), FlinkConfig.renderConfigYaml(settings, tmpDir));
      Files.writeString(configDir.resolve("log4j2.xml"), FlinkConfig.renderLog4j2());
    } catch (IOException e) {
      throw new StackException(
          "cannot write the flink configuration in " + configDir + ": " + e.getMessage(), e);
    }
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
