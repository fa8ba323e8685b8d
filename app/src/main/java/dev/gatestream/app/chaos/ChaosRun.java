package dev.gatestream.app.chaos;

import dev.gatestream.app.replay.LogBaselines;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayItem;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.app.replay.ReplaySources;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * The kill -9 fault run: router, fusion, one worker process per expert and the adaptation job, each
 * in an OS process of its own, serve logged traffic (two replay experts, both chosen for every
 * request) while each of router, one expert, fusion and the adaptation job is killed with SIGKILL
 * once and started again. A {@code read_committed} {@link Audit} of the run's topics then checks
 * that no request was lost or fused twice, that none its experts answered in time came out PARTIAL
 * or TIMEOUT, and that the learner learned every feedback record once; and it times how long each
 * stage took to process again after its restart.
 *
 * <p>Every run has topics, groups and state of its own (a topic prefix with its run id), so runs
 * never see each other's records.
 */
public final class ChaosRun {

  /**
   * @param requests how many requests the traffic sends
   * @param ratePerSecond their pace, so that the kills fall amid traffic
   * @param window most requests in flight
   * @param deadline each request's deadline
   * @param restartDelay how long a killed stage stays down before it is started again
   * @param recoveryTimeout how long a restarted stage may take to process again
   * @param seed shuffles the log's rows
   */
  public record Options(
      int requests,
      int ratePerSecond,
      int window,
      Duration deadline,
      Duration restartDelay,
      Duration recoveryTimeout,
      long seed) {

    public static Options defaults(int requests) {
      return new Options(
          requests,
          100,
          200,
          Duration.ofSeconds(60),
          Duration.ofSeconds(2),
          Duration.ofSeconds(120),
          42);
    }
  }

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration WAIT_STEP = Duration.ofMillis(100);
  private static final int EXPERTS = 2;

  private final GatestreamConfig base;
  private final String bootstrapServers;
  private final String registryUrl;
  private final Path home;
  private final Options options;
  private final Clock clock;
  private final Consumer<String> progress;

  /**
   * @param base the deployment's settings; the run adds its own topic prefix, experts and state
   * @param home the project root, for relative paths in the settings
   * @param progress told what the run is doing, a line at a time
   */
  public ChaosRun(
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
   * Runs the traffic of {@code log} (a wide routing log: its first two experts answer from it)
   * through the killed and restarted stages; the stages' logs go to {@code runDir}.
   */
  public ChaosReport run(Path log, Path runDir) throws IOException, InterruptedException {
    Instant start = clock.instant();
    String runId = "chaos-" + Long.toString(start.toEpochMilli(), 36);
    ReplayRun.Log source =
        ReplaySources.log(
            log,
            log.getFileName().toString(),
            options.seed(),
            options.requests(),
            DistinctRows.OnRepeat.SKIP);
    if (source.experts().size() < EXPERTS || source.rows().isEmpty()) {
      throw new IllegalArgumentException(
          log
              + " has "
              + source.experts().size()
              + " experts and "
              + source.rows().size()
              + " requests; the run needs "
              + EXPERTS
              + " experts and at least one request");
    }
    List<String> experts = source.experts().subList(0, EXPERTS);
    Files.createDirectories(runDir);
    RunSettings settings = runSettings(runId, log, experts, runDir);
    GatestreamConfig config = settings.load(null);
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, bootstrapServers);
    try (Admin admin = clients.admin(clients.ids().job("chaos-admin", runId))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }

    Map<String, StageProcess> stages = new LinkedHashMap<>();
    stages.put(Audit.ROUTER, settings.stage(Audit.ROUTER, List.of("router"), home, runDir, clock));
    stages.put(Audit.FUSION, settings.stage(Audit.FUSION, List.of("fusion"), home, runDir, clock));
    for (String expert : experts) {
      stages.put(
          Audit.expert(expert),
          settings.stage(Audit.expert(expert), List.of("expert", expert), home, runDir, clock));
    }
    stages.put(
        Audit.ADAPTATION,
        settings.stage(Audit.ADAPTATION, List.of("adaptation"), home, runDir, clock));
    List<String> victims =
        List.of(Audit.ROUTER, Audit.expert(experts.get(0)), Audit.FUSION, Audit.ADAPTATION);

    String policy = config.getString(GatestreamConfig.ROUTER_POLICY);
    List<ReplayItem> items = cycled(source.rows(), options.requests());
    List<ChaosReport.Recovery> recoveries = new ArrayList<>();
    Optional<String> replayFailure = Optional.empty();
    Audit.Tally tally;
    try (RegistrySerdes serdes = clients.registry(registryUrl).serdes(true);
        Audit audit = new Audit(topics, serdes, clients, runId, policy, clock);
        Stages running = new Stages(stages.values())) {
      progress.accept(
          "starting " + String.join(", ", stages.keySet()) + " as processes of their own");
      stages.values().forEach(StageProcess::start);
      for (StageProcess stage : stages.values()) {
        stage.awaitReady(START_TIMEOUT);
      }
      CompletableFuture<Void> traffic;
      try (ReplayDriver driver =
          new ReplayDriver(
              topics,
              serdes,
              clients,
              ReplayOptions.paced(
                  options.ratePerSecond(), options.window(), options.deadline(), options.seed()),
              Math.max(1, options.requests() / 10),
              runId,
              policy)) {
        progress.accept("sending " + items.size() + " requests to " + experts);
        traffic =
            CompletableFuture.runAsync(
                () ->
                    driver.replay(
                        "chaos",
                        items,
                        new LogBaselines(experts, Map.of()).of(source.rows()),
                        bucket ->
                            progress.accept(
                                (bucket.fromRequest() + bucket.requests())
                                    + " requests answered")));
        for (int i = 0; i < victims.size(); i++) {
          int killAt = options.requests() * (2 * i + 1) / (2 * victims.size() + 1);
          Waits.until(
              () -> audit.fusedRequests() >= killAt || traffic.isDone(),
              SETTLE_TIMEOUT.multipliedBy(5),
              WAIT_STEP);
          recoveries.add(killAndRestart(stages.get(victims.get(i)), audit));
        }
        replayFailure =
            Waits.traffic(
                traffic,
                options.requests(),
                options.ratePerSecond(),
                options.deadline().plus(SETTLE_TIMEOUT));
      }
      // The audit reads behind the traffic, and the learner behind the feedback.
      Waits.until(() -> audit.fusedRequests() >= items.size(), SETTLE_TIMEOUT, WAIT_STEP);
      Waits.until(() -> audit.examples() >= audit.feedback(), SETTLE_TIMEOUT, WAIT_STEP);
      tally = audit.tally(items.stream().map(ReplayItem::id).toList());
    }
    return new ChaosReport(
        tally.requests(),
        tally.lost(),
        tally.duplicated(),
        tally.answeredButIncomplete(),
        tally.completeness(),
        tally.feedback(),
        tally.examples(),
        tally.deadLetters(),
        recoveries,
        replayFailure,
        Duration.between(start, clock.instant()));
  }

  private ChaosReport.Recovery killAndRestart(StageProcess stage, Audit audit)
      throws InterruptedException {
    progress.accept("kill -9 " + stage.name());
    Instant killed = stage.kill();
    Thread.sleep(options.restartDelay().toMillis());
    Instant restarted = stage.start();
    Instant ready = stage.awaitReady(START_TIMEOUT);
    Optional<Instant> processing = Optional.empty();
    long until = System.nanoTime() + options.recoveryTimeout().toNanos();
    while (processing.isEmpty() && System.nanoTime() < until) {
      processing = audit.firstOutputAfter(stage.name(), restarted);
      if (processing.isEmpty()) {
        Thread.sleep(WAIT_STEP.toMillis());
      }
    }
    ChaosReport.Recovery recovery =
        new ChaosReport.Recovery(stage.name(), killed, restarted, ready, processing);
    progress.accept(
        stage.name()
            + " processing again "
            + recovery.sinceRestart().map(d -> d.toMillis() / 1000.0 + "s").orElse("NEVER")
            + " after its restart");
    return recovery;
  }

  /**
   * The first {@code requests} rows, going round the log again when it has fewer: a row's later
   * passes get ids of their own ({@code ID#PASS}) and name the logged row for the replay experts.
   */
  static List<ReplayItem> cycled(List<WideRoutingLog.Row> rows, int requests) {
    List<ReplayItem> items = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) {
      WideRoutingLog.Row row = rows.get(i % rows.size());
      int pass = i / rows.size();
      items.add(pass == 0 ? ReplayItem.of(row) : ReplayItem.of(row, row.id() + "#" + pass, null));
    }
    return items;
  }

  /**
   * The deployment's settings for this run: its own topics and state, the experts replaying the
   * log, both chosen for every request, and weights published and checkpointed every second.
   */
  private RunSettings runSettings(String runId, Path log, List<String> experts, Path runDir) {
    return new RunSettings(base, runId, bootstrapServers, registryUrl, runDir.resolve("state"))
        .replayExperts(log, experts, EXPERTS)
        .with(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, runDir.resolve("checkpoints").toString())
        .with(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000")
        .with(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000")
        .with(GatestreamConfig.METRICS_ADAPTATION_PORT, "-1");
  }

  /** The run's stage processes, stopped at its end. */
  private record Stages(Iterable<StageProcess> processes) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      for (StageProcess stage : processes) {
        stage.close();
      }
    }
  }
}
