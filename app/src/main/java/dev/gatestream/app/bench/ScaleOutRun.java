package dev.gatestream.app.bench;

import dev.gatestream.app.chaos.RunSettings;
import dev.gatestream.app.chaos.StageProcess;
import dev.gatestream.app.replay.LogBaselines;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayItem;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.app.replay.ReplaySources;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * The scale-out figure: one replay expert on a slow backend (it waits a share of each request's
 * logged latency, one task at a time per process) run as 1, 2, 4, ... worker processes of one
 * consumer group, and the pipeline's throughput with each. Replicas add throughput until they
 * outnumber the partitions of the expert's task topic; beyond that the extra ones idle.
 *
 * <p>Each count has topics and groups of its own (a topic prefix with the run id and the count).
 */
public final class ScaleOutRun {

  /**
   * @param replicas the expert process counts to measure, in order
   * @param requests requests sent with each count, as fast as the window lets them
   * @param window most requests in flight: more than the replicas can serve at once
   * @param latencyScale the share of each logged latency the backend waits
   */
  public record Options(List<Integer> replicas, int requests, int window, double latencyScale) {

    public Options {
      replicas = List.copyOf(replicas);
      if (replicas.isEmpty() || replicas.stream().anyMatch(r -> r < 1)) {
        throw new IllegalArgumentException("replica counts must be at least 1: " + replicas);
      }
      if (requests < 1 || window < 1 || !(latencyScale > 0)) {
        throw new IllegalArgumentException("requests, window and latencyScale must be positive");
      }
    }
  }

  /** One count's throughput. */
  public record Row(int replicas, int partitions, int requests, double seconds) {
    public double requestsPerSecond() {
      return requests / seconds;
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration DEADLINE = Duration.ofMinutes(5);

  private final GatestreamConfig base;
  private final String bootstrapServers;
  private final String registryUrl;
  private final Path home;
  private final Options options;
  private final Clock clock;
  private final Consumer<String> progress;

  public ScaleOutRun(
      GatestreamConfig base,
      String bootstrapServers,
      String registryUrl,
      Path home,
      Options options,
      Clock clock,
      Consumer<String> progress) {
    this.base = base;
    this.bootstrapServers = bootstrapServers;
    this.registryUrl = registryUrl;
    this.home = home;
    this.options = options;
    this.clock = clock;
    this.progress = progress;
  }

  /**
   * Measures every count with the first expert of {@code log} (a wide routing log with logged
   * latencies); the stages' logs go to {@code runDir}.
   */
  public List<Row> run(Path log, Path runDir) throws IOException, InterruptedException {
    ReplayRun.Log source =
        ReplaySources.log(
            log, log.getFileName().toString(), 42L, options.requests(), DistinctRows.OnRepeat.SKIP);
    if (source.experts().isEmpty() || source.rows().isEmpty()) {
      throw new IllegalArgumentException(log + " has no expert or no rows");
    }
    String expert = source.experts().get(0);
    List<ReplayItem> items = new ArrayList<>();
    for (int i = 0; i < Math.min(options.requests(), source.rows().size()); i++) {
      items.add(ReplayItem.of(source.rows().get(i)));
    }
    Files.createDirectories(runDir);
    Path expertsFile = runDir.resolve("scale-experts.json");
    Files.writeString(expertsFile, expertsJson(expert, log), StandardCharsets.UTF_8);
    String runId = "scale-" + Long.toString(clock.millis(), 36);
    List<Row> rows = new ArrayList<>();
    for (int replicas : options.replicas()) {
      rows.add(
          measure(runId + "-" + replicas, replicas, expert, expertsFile, source, items, runDir));
      progress.accept(line(rows.get(rows.size() - 1), rows.get(0)));
    }
    return rows;
  }

  private Row measure(
      String runId,
      int replicas,
      String expert,
      Path expertsFile,
      ReplayRun.Log source,
      List<ReplayItem> items,
      Path runDir)
      throws IOException, InterruptedException {
    // Each count's stage logs and state in a directory of its own.
    Path countDir = Files.createDirectories(runDir.resolve(runId));
    RunSettings settings = runSettings(runId, expertsFile, countDir);
    GatestreamConfig config = settings.load(null);
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, bootstrapServers);
    try (Admin admin = clients.admin(clients.ids().job("scale-admin", runId))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(List.of(expert)));
    }
    List<StageProcess> stages = new ArrayList<>();
    stages.add(settings.stage("router", List.of("router"), home, countDir, clock));
    stages.add(settings.stage("fusion", List.of("fusion"), home, countDir, clock));
    for (int i = 1; i <= replicas; i++) {
      stages.add(settings.stage("expert-" + i, List.of("expert", expert), home, countDir, clock));
    }
    String policy = config.getString(GatestreamConfig.ROUTER_POLICY);
    try (RegistrySerdes serdes = clients.registry(registryUrl).serdes(true)) {
      progress.accept("starting router, fusion and " + replicas + " processes of " + expert);
      stages.forEach(StageProcess::start);
      for (StageProcess stage : stages) {
        stage.awaitReady(START_TIMEOUT);
      }
      try (ReplayDriver driver =
          new ReplayDriver(
              topics,
              serdes,
              clients,
              ReplayOptions.paced(0, options.window(), DEADLINE, 42),
              items.size(),
              runId,
              policy)) {
        Instant start = clock.instant();
        ReplayReport.Segment segment =
            driver.replay(
                "scale-" + replicas,
                items,
                new LogBaselines(List.of(expert), Map.of()).of(source.rows()),
                bucket -> {});
        return new Row(
            replicas,
            topics.expertTasks(expert).partitions(),
            items.size(),
            Duration.between(start, clock.instant()).toMillis() / 1000.0);
      }
    } finally {
      for (StageProcess stage : stages) {
        stage.close();
      }
    }
  }

  /** One row of the table: count, partitions, requests, seconds, throughput, speed-up. */
  public static String line(Row row, Row first) {
    return String.format(
        Locale.ROOT,
        "%8d %10d %8d %8.1f %8.1f %7.2fx",
        row.replicas(),
        row.partitions(),
        row.requests(),
        row.seconds(),
        row.requestsPerSecond(),
        row.requestsPerSecond() / first.requestsPerSecond());
  }

  public static final String HEADER = "replicas partitions requests  seconds    req/s speed-up";

  /**
   * The expert as a replay backend that waits {@code latencyScale} of each logged latency, one task
   * at a time: a slow backend whose only way to more throughput is more processes.
   */
  private String expertsJson(String expert, Path log) {
    return String.format(
        Locale.ROOT,
        "[{\"name\": \"%s\", \"backend\": \"replay\", \"concurrency\": 1, \"batchSize\": 1,"
            + " \"settings\": {\"log\": \"%s\", \"answer\": \"score\", \"latencyScale\": %s}}]%n",
        expert,
        log.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\""),
        options.latencyScale());
  }

  private RunSettings runSettings(String runId, Path expertsFile, Path countDir) {
    return new RunSettings(base, runId, bootstrapServers, registryUrl, countDir.resolve("state"))
        .with(GatestreamConfig.EXPERTS_FILE, expertsFile.toAbsolutePath().toString())
        .with(GatestreamConfig.ROUTER_GATE_K, "1");
  }
}
