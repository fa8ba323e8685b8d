package dev.gatestream.adaptation;

import dev.gatestream.clients.ClientIds;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.prometheus.PrometheusReporterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adaptation job in an embedded Flink MiniCluster, in the background of the calling process
 * (what {@code gatestream up} runs). Checkpoints go to a local directory, one sub-directory per
 * deployment (topic prefix), and are kept when the job is cancelled; the next start restores the
 * newest one of its own deployment, so a restart loses no learning and the weights versions keep
 * increasing, and two deployments on one home never restore each other's state. Policies a
 * checkpoint does not hold resume from their published weights (see {@link WarmStarts}). Flink logs
 * through SLF4J like everything else in the process, so the process's logging configuration decides
 * where they go (the CLI's sends everything to its log file). With {@code metrics.adaptation.port}
 * set, the job's metrics are served for Prometheus at /metrics.
 */
public final class AdaptationRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdaptationRunner.class);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
  static final String PROMETHEUS_REPORTER = "prometheus";
  // The reporter's own setting (a port or a range), which its module declares no option for.
  private static final ConfigOption<String> PROMETHEUS_PORT =
      ConfigOptions.key("port").stringType().noDefaultValue();
  // What a sub-directory name may be: a topic prefix's characters, so never a path of its own.
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]+");

  private final JobClient client;

  private AdaptationRunner(JobClient client) {
    this.client = client;
  }

  /**
   * Submits the job and returns once it is submitted (it starts consuming in the background).
   *
   * @param checkpointDir where every deployment keeps its checkpoints (see {@link
   *     #checkpointDirectory})
   */
  public static AdaptationRunner start(
      GatestreamConfig config, String bootstrapServers, String registryUrl, Path checkpointDir)
      throws Exception {
    Path directory = checkpointDirectory(config, checkpointDir);
    Files.createDirectories(directory);
    Optional<Path> restore = latestCheckpoint(directory);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(
            1, flinkConfiguration(config, directory, restore));
    AdaptationJob.kafka(config, bootstrapServers, registryUrl).build(env);
    JobClient client = env.executeAsync("gatestream-adaptation");
    LOG.info(
        "adaptation job {} started{}",
        client.getJobID(),
        restore
            .map(path -> " from checkpoint " + path)
            .orElse(" without a checkpoint in " + directory));
    return new AdaptationRunner(client);
  }

  /**
   * The MiniCluster's configuration: checkpoints in directory, restored from restore if given, and
   * the Prometheus reporter on {@code metrics.adaptation.port} unless that is -1 (it binds every
   * interface, like any Flink reporter; a port in use is logged by Flink and leaves the job running
   * unreported).
   */
  static Configuration flinkConfiguration(
      GatestreamConfig config, Path directory, Optional<Path> restore) {
    Configuration flink = new Configuration();
    flink.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    flink.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory.toUri().toString());
    flink.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        Duration.ofMillis(config.getLong(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS)));
    flink.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    flink.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 2);
    restore.ifPresent(
        path -> flink.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
    int metricsPort = config.getInt(GatestreamConfig.METRICS_ADAPTATION_PORT);
    if (metricsPort >= 0) {
      Configuration reporter = MetricOptions.forReporter(flink, PROMETHEUS_REPORTER);
      reporter.set(MetricOptions.REPORTER_FACTORY_CLASS, PrometheusReporterFactory.class.getName());
      reporter.set(PROMETHEUS_PORT, String.valueOf(metricsPort));
    }
    return flink;
  }

  /**
   * This deployment's checkpoints under root: the sub-directory named like its consumer group
   * ({@code <topic.prefix>adaptation}), which no other topic prefix shares.
   */
  static Path checkpointDirectory(GatestreamConfig config, Path root) {
    String namespace = ClientIds.of(config).adaptation();
    if (!NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "topic.prefix may hold only letters, digits, '.', '_' and '-' (as topic"
              + " names), got '"
              + config.getString(GatestreamConfig.TOPIC_PREFIX)
              + "'");
    }
    return root.toAbsolutePath().resolve(namespace);
  }

  /** The newest completed checkpoint under directory (any job's), if there is one. */
  static Optional<Path> latestCheckpoint(Path directory) {
    try (Stream<Path> files = Files.walk(directory, 3)) {
      return files
          .filter(path -> path.getFileName().toString().equals("_metadata"))
          .filter(path -> path.getParent().getFileName().toString().startsWith("chk-"))
          .max(Comparator.comparingLong(AdaptationRunner::modifiedAt))
          .map(Path::getParent);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for checkpoints in " + directory, e);
    }
  }

  private static long modifiedAt(Path path) {
    try {
      return Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JobID jobId() {
    return client.getJobID();
  }

  public JobStatus status() throws Exception {
    return client.getJobStatus().get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Cancels the job (its last checkpoint stays for the next start) and stops the MiniCluster. */
  @Override
  public void close() throws Exception {
    if (!status().isGloballyTerminalState()) {
      client.cancel().get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
