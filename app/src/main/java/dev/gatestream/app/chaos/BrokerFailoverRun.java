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
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.stack.LocalStack;
import dev.gatestream.stack.StackException;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The broker failover run on a local stack of three brokers: router, fusion and two replay experts
 * (both chosen for every request), each an OS process of its own, serve logged traffic in two
 * phases. In the first a broker that is not the controller leader is killed with SIGKILL amid the
 * traffic and started again; in the second, once every replica is back in sync, the controller
 * leader. A {@code read_committed} {@link Audit} of the fused results tells, per phase, whether
 * every request came out exactly once, and how long fused output paused after the kill.
 */
public final class BrokerFailoverRun {

  /**
   * @param requests requests of each phase
   * @param ratePerSecond their pace
   * @param window most requests in flight
   * @param deadline each request's deadline
   * @param seed shuffles the log's rows
   */
  public record Options(int requests, int ratePerSecond, int window, Duration deadline, long seed) {

    public Options {
      if (requests < 3) {
        throw new IllegalArgumentException("a phase needs at least 3 requests: " + requests);
      }
    }
  }

  static final String BROKER = "a broker, not the controller leader";
  static final String CONTROLLER_LEADER = "controller leader";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration WAIT_STEP = Duration.ofMillis(50);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final int EXPERTS = 2;

  private final GatestreamConfig base;
  private final LocalStack stack;
  private final Path home;
  private final Options options;
  private final Clock clock;
  private final Consumer<String> progress;

  /**
   * @param stack a running local stack of three brokers (or more); the run kills and restarts them
   * @param home the project root, for relative paths in the settings
   */
  public BrokerFailoverRun(
      GatestreamConfig base,
      LocalStack stack,
      Path home,
      Options options,
      Clock clock,
      Consumer<String> progress) {
    if (stack.settings().brokers() < 3) {
      throw new IllegalArgumentException(
          "failover needs a stack of at least 3 brokers, not " + stack.settings().brokers());
    }
    this.base = base;
    this.stack = stack;
    this.home = home;
    this.options = options;
    this.clock = clock;
    this.progress = progress;
  }

  /** Runs the traffic of {@code log} (a wide routing log) through both phases. */
  public FailoverReport run(Path log, Path runDir)
      throws IOException, InterruptedException, StackException {
    Instant start = clock.instant();
    String runId = "failover-" + Long.toString(start.toEpochMilli(), 36);
    ReplayRun.Log source =
        ReplaySources.log(
            log,
            log.getFileName().toString(),
            options.seed(),
            2 * options.requests(),
            DistinctRows.OnRepeat.SKIP);
    if (source.experts().size() < EXPERTS || source.rows().isEmpty()) {
      throw new IllegalArgumentException(
          log + " has too few experts or rows for the run: " + source.experts().size());
    }
    List<String> experts = source.experts().subList(0, EXPERTS);
    Files.createDirectories(runDir);
    RunSettings settings = runSettings(runId, log, experts, runDir);
    GatestreamConfig config = settings.load(null);
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    List<StageProcess> stages = new ArrayList<>();
    stages.add(settings.stage(Audit.ROUTER, List.of("router"), home, runDir, clock));
    stages.add(settings.stage(Audit.FUSION, List.of("fusion"), home, runDir, clock));
    for (String expert : experts) {
      stages.add(
          settings.stage(Audit.expert(expert), List.of("expert", expert), home, runDir, clock));
    }
    List<ReplayItem> items = ChaosRun.cycled(source.rows(), 2 * options.requests());
    String policy = config.getString(GatestreamConfig.ROUTER_POLICY);
    List<FailoverReport.Phase> phases = new ArrayList<>();
    try (Admin admin = clients.admin(clients.ids().job("failover-admin", runId))) {
      new TopicApplier(admin, ADMIN_TIMEOUT).apply(topics.all(experts));
      try (RegistrySerdes serdes = clients.registry(stack.registryUrl()).serdes(true);
          Audit audit = new Audit(topics, serdes, clients, runId, policy, clock)) {
        try {
          progress.accept("starting router, fusion and experts " + experts + " as processes");
          stages.forEach(StageProcess::start);
          for (StageProcess stage : stages) {
            stage.awaitReady(START_TIMEOUT);
          }
          Phases run = new Phases(topics, serdes, clients, audit, admin, runId, policy, source);
          int n = options.requests();
          phases.add(run.phase(1, BROKER, items.subList(0, n)));
          awaitAllInSync(admin);
          phases.add(run.phase(2, CONTROLLER_LEADER, items.subList(n, 2 * n)));
        } finally {
          for (StageProcess stage : stages) {
            stage.close();
          }
        }
      }
    }
    return new FailoverReport(phases, Duration.between(start, clock.instant()));
  }

  /** What every phase uses. */
  private final class Phases {
    private final Topics topics;
    private final RegistrySerdes serdes;
    private final KafkaClients clients;
    private final Audit audit;
    private final Admin admin;
    private final String runId;
    private final String policy;
    private final ReplayRun.Log source;

    Phases(
        Topics topics,
        RegistrySerdes serdes,
        KafkaClients clients,
        Audit audit,
        Admin admin,
        String runId,
        String policy,
        ReplayRun.Log source) {
      this.topics = topics;
      this.serdes = serdes;
      this.clients = clients;
      this.audit = audit;
      this.admin = admin;
      this.runId = runId;
      this.policy = policy;
      this.source = source;
    }

    FailoverReport.Phase phase(int index, String victim, List<ReplayItem> items)
        throws InterruptedException, StackException {
      Instant start = clock.instant();
      int before = audit.fusedRequests();
      int n = items.size();
      Optional<String> failure;
      Instant killed;
      Instant restarted;
      Instant back;
      int node;
      try (ReplayDriver driver =
          new ReplayDriver(
              topics,
              serdes,
              clients,
              ReplayOptions.paced(
                  options.ratePerSecond(), options.window(), options.deadline(), options.seed()),
              Math.max(1, n / 10),
              runId + "-" + index,
              policy)) {
        progress.accept("phase " + index + ": sending " + n + " requests");
        CompletableFuture<Void> traffic =
            CompletableFuture.runAsync(
                () ->
                    driver.replay(
                        "failover-" + index,
                        items,
                        new LogBaselines(source.experts().subList(0, EXPERTS), Map.of())
                            .of(source.rows()),
                        bucket ->
                            progress.accept(
                                (bucket.fromRequest() + bucket.requests())
                                    + " requests answered")));
        Waits.until(
            () -> audit.fusedRequests() >= before + n / 3 || traffic.isDone(),
            SETTLE_TIMEOUT,
            WAIT_STEP);
        int leader = controllerLeader(admin);
        node = victim.equals(CONTROLLER_LEADER) ? leader : otherThan(leader);
        killed = clock.instant();
        progress.accept("kill -9 broker " + node + " (" + victim + ") at " + killed);
        stack.killBroker(node);
        // Down for the middle third of the phase's traffic, which must flow meanwhile.
        Waits.until(
            () -> audit.fusedRequests() >= before + 2 * n / 3 || traffic.isDone(),
            SETTLE_TIMEOUT,
            WAIT_STEP);
        restarted = clock.instant();
        progress.accept("starting broker " + node + " again at " + restarted);
        stack.up();
        back = clock.instant();
        failure =
            Waits.traffic(
                traffic, n, options.ratePerSecond(), options.deadline().plus(SETTLE_TIMEOUT));
      }
      Waits.until(() -> audit.fusedRequests() >= before + n, SETTLE_TIMEOUT, WAIT_STEP);
      Audit.Tally tally = audit.tally(items.stream().map(ReplayItem::id).toList());
      OutputPause pause =
          OutputPause.of(
              audit.outputTimes(Audit.FUSION), killed.toEpochMilli(), restarted.toEpochMilli());
      FailoverReport.Phase phase =
          new FailoverReport.Phase(
              victim,
              node,
              controllerLeader(admin),
              tally.requests(),
              tally.lost(),
              tally.duplicated(),
              pause,
              Duration.between(killed, restarted),
              Duration.between(restarted, back),
              failure,
              Duration.between(start, clock.instant()));
      progress.accept(phase.line());
      return phase;
    }
  }

  /** The highest node that is not {@code leader}. */
  private int otherThan(int leader) {
    int brokers = stack.settings().brokers();
    return leader == brokers ? brokers - 1 : brokers;
  }

  private static int controllerLeader(Admin admin) throws InterruptedException {
    try {
      return admin
          .describeMetadataQuorum()
          .quorumInfo()
          .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .leaderId();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot tell the controller leader: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until every partition, internal ones too, has all its replicas in sync: killing another
   * broker before would leave some with fewer than min.insync.replicas.
   */
  private static void awaitAllInSync(Admin admin) throws InterruptedException {
    boolean inSync =
        Waits.until(
            () -> {
              try {
                Set<String> names =
                    admin
                        .listTopics(new ListTopicsOptions().listInternal(true))
                        .names()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                Map<String, TopicDescription> described =
                    admin
                        .describeTopics(names)
                        .allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return described.values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(BrokerFailoverRun::fullyInSync);
              } catch (ExecutionException | TimeoutException e) {
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            },
            SETTLE_TIMEOUT,
            WAIT_STEP);
    if (!inSync) {
      throw new IllegalStateException(
          "replicas not all in sync " + SETTLE_TIMEOUT.toSeconds() + "s after the restart");
    }
  }

  private static boolean fullyInSync(TopicPartitionInfo partition) {
    return partition.isr().size() == partition.replicas().size();
  }

  /**
   * The run's settings: its own topics (replicated as the stack allows) and state, every broker to
   * bootstrap from, the experts replaying the log, both chosen for every request.
   */
  private RunSettings runSettings(String runId, Path log, List<String> experts, Path runDir) {
    return new RunSettings(
            base, runId, stack.bootstrapServers(), stack.registryUrl(), runDir.resolve("state"))
        .replayExperts(log, experts, EXPERTS)
        .with(
            GatestreamConfig.TOPIC_REPLICATION,
            String.valueOf(stack.settings().replicationFactor()));
  }
}
