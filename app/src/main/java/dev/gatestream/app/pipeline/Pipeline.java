package dev.gatestream.app.pipeline;

import dev.gatestream.adaptation.AdaptationRunner;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertBackends;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.experts.ExpertWorker;
import dev.gatestream.experts.RestartPolicy;
import dev.gatestream.experts.WorkerSupervisor;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.streams.common.AdminTopicDirectory;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.StreamsStage;
import dev.gatestream.streams.common.ThreadReplacements;
import dev.gatestream.streams.fusion.ExpertReliability;
import dev.gatestream.streams.fusion.FusionLimits;
import dev.gatestream.streams.fusion.FusionMetrics;
import dev.gatestream.streams.fusion.FusionSettings;
import dev.gatestream.streams.fusion.FusionTopology;
import dev.gatestream.streams.router.ActivePolicy;
import dev.gatestream.streams.router.CandidateRunner;
import dev.gatestream.streams.router.GateFactory;
import dev.gatestream.streams.router.RouterLifecycle;
import dev.gatestream.streams.router.RouterLimits;
import dev.gatestream.streams.router.RouterMetrics;
import dev.gatestream.streams.router.RouterTopology;
import dev.gatestream.streams.router.ShadowExperts;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gatestream in one JVM: any of router, fusion, expert workers and the adaptation job (in an
 * embedded Flink MiniCluster), wired from configuration. {@code gatestream up} runs all of them;
 * {@code gatestream run STAGE} one; tests and the bench use the same assembly.
 */
public final class Pipeline implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** The deployable stages. */
  public enum Stage {
    ROUTER,
    FUSION,
    EXPERTS,
    ADAPTATION
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final Map<String, List<WorkerSupervisor<ExpertWorker>>> workers = new LinkedHashMap<>();
  private final Map<String, StreamsStage> streamsStages = new LinkedHashMap<>();
  private AdaptationRunner adaptation;
  private final MeterRegistry meters;
  private RouterMetrics routerMetrics;
  private FusionMetrics fusionMetrics;
  private ActivePolicy policy;
  private ReplyTopics replyTopics;

  private Pipeline(MeterRegistry meters) {
    this.meters = meters;
  }

  /**
   * Starts the given stages and returns once the Kafka Streams stages are RUNNING and the expert
   * workers are polling.
   *
   * @param experts the experts to run workers for (EXPERTS) and to route to (ROUTER)
   * @param home directory of the stages' local state
   */
  public static Pipeline start(
      GatestreamConfig config,
      String bootstrapServers,
      String registryUrl,
      List<ExpertSpec> experts,
      Set<Stage> stages,
      Path home) {
    return start(
        config, bootstrapServers, registryUrl, experts, stages, home, new SimpleMeterRegistry());
  }

  /**
   * Starts the given stages with their meters on {@code meters} (e.g. the embedding service's
   * registry, or the Prometheus registry that {@code gatestream up} serves on /metrics).
   */
  public static Pipeline start(
      GatestreamConfig config,
      String bootstrapServers,
      String registryUrl,
      List<ExpertSpec> experts,
      Set<Stage> stages,
      Path home,
      MeterRegistry meters) {
    Pipeline pipeline = new Pipeline(meters);
    try {
      pipeline.startStages(config, bootstrapServers, registryUrl, experts, stages, home);
      return pipeline;
    } catch (RuntimeException e) {
      pipeline.close();
      throw e;
    }
  }

  public static Pipeline startAll(
      GatestreamConfig config,
      String bootstrapServers,
      String registryUrl,
      List<ExpertSpec> experts,
      Path home) {
    return start(config, bootstrapServers, registryUrl, experts, EnumSet.allOf(Stage.class), home);
  }

  private void startStages(
      GatestreamConfig config,
      String bootstrapServers,
      String registryUrl,
      List<ExpertSpec> experts,
      Set<Stage> stages,
      Path home) {
    Topics topics = Topics.from(config);
    // Each stage connects as its own principal (client.credentials.dir); the registry settings
    // are the deployment's.
    KafkaClients clients = new KafkaClients(config, bootstrapServers);
    RegistrySerdes serdes =
        clients
            .registry(registryUrl)
            .serdes(config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER))
            .countRetriesOn(meters);
    closeables.add(serdes);
    Path stateDir = home.resolve(config.getString(GatestreamConfig.STREAMS_STATE_DIR));

    if (stages.contains(Stage.EXPERTS)) {
      startExperts(config, clients, serdes, experts);
    }
    if (stages.contains(Stage.ADAPTATION)) {
      startAdaptation(
          config,
          bootstrapServers,
          registryUrl,
          home.resolve(config.getString(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR)));
    }
    if (stages.contains(Stage.FUSION)) {
      KafkaClients fusionClients = clients.as(ServicePrincipal.FUSION);
      fusionMetrics = new FusionMetrics(meters);
      closeables.add(fusionMetrics);
      StreamsStage fusion =
          new StreamsStage(
              "fusion",
              FusionTopology.build(
                  topics,
                  serdes,
                  FusionSettings.from(config),
                  FusionLimits.from(config),
                  new ExpertReliability(config.getString(GatestreamConfig.ROUTER_POLICY)),
                  fusionMetrics,
                  replyTopics(config, fusionClients, clients.ids().fusion())),
              fusionClients.streamsProperties(clients.ids().fusion(), stateDir),
              meters,
              ThreadReplacements.from(config));
      closeables.add(fusion);
      streamsStages.put("fusion", fusion);
      fusion.start(START_TIMEOUT);
    }
    if (stages.contains(Stage.ROUTER)) {
      KafkaClients routerClients = clients.as(ServicePrincipal.ROUTER);
      Featurizer featurizer = RoutingComponents.featurizer(config);
      closeables.add(featurizer);
      List<Expert> gateExperts = ExpertCatalog.forGates(experts);
      List<Expert> shadowExperts = ExpertCatalog.shadowsAsExperts(experts);
      GateFactory.Resolver gates =
          RoutingComponents.resolver(config, gateExperts, shadowExperts, featurizer.dimension());
      policy =
          new ActivePolicy(
              config.getString(GatestreamConfig.ROUTER_POLICY),
              RoutingComponents.gateFactory(
                  RoutingComponents.gateSpec(config),
                  RoutingComponents.gateExperts(config, gateExperts, shadowExperts),
                  featurizer.dimension()),
              gates,
              System::currentTimeMillis);
      CandidateRunner candidate =
          RoutingComponents.candidate(
              config, gateExperts, featurizer.dimension(), gates, System::currentTimeMillis);
      RouterLifecycle lifecycle =
          new RouterLifecycle(
              new ShadowExperts(
                      ExpertCatalog.shadows(experts),
                      config.getDouble(GatestreamConfig.ROUTER_SHADOW_SPEND_LIMIT))
                  .meteredOn(meters),
              candidate == null ? null : candidate.meteredOn(meters));
      routerMetrics = new RouterMetrics(meters, policy);
      closeables.add(routerMetrics);
      StreamsStage router =
          new StreamsStage(
              "router",
              RouterTopology.build(
                  topics,
                  serdes,
                  featurizer,
                  policy,
                  routerMetrics,
                  RouterLimits.from(config),
                  replyTopics(config, routerClients, clients.ids().router()),
                  lifecycle),
              routerClients.streamsProperties(clients.ids().router(), stateDir),
              meters,
              ThreadReplacements.from(config));
      closeables.add(router);
      streamsStages.put("router", router);
      router.start(START_TIMEOUT);
    }
  }

  /**
   * What requests' reply-to topics are checked against, one topic directory for the stages run
   * here.
   */
  private ReplyTopics replyTopics(GatestreamConfig config, KafkaClients clients, String clientId) {
    if (replyTopics == null) {
      AdminTopicDirectory directory = AdminTopicDirectory.start(clients.admin(clientId), config);
      closeables.add(directory);
      replyTopics = ReplyTopics.from(config, directory);
    }
    return replyTopics;
  }

  private void startExperts(
      GatestreamConfig config,
      KafkaClients clients,
      GatestreamSerdes serdes,
      List<ExpertSpec> experts) {
    ExpertBackends backends =
        new ExpertBackends(
            System::getenv, config.getBoolean(GatestreamConfig.EXPERTS_ALLOW_INSECURE_HTTP));
    int instances = config.getInt(GatestreamConfig.EXPERT_INSTANCES);
    RestartPolicy restarts = RestartPolicy.from(config);
    for (ExpertSpec spec : experts) {
      for (int i = 0; i < instances; i++) {
        String member = String.valueOf(i);
        KafkaClients expertClients = clients.as(ServicePrincipal.expert(spec.name()));
        // Each worker owns its backend (an ONNX session, say) and closes it when it stops; a
        // restarted worker gets a new one, and the same group member id.
        WorkerSupervisor<ExpertWorker> worker =
            new WorkerSupervisor<>(
                spec.name(),
                "expert-" + spec.name() + "-" + i,
                () ->
                    ExpertWorker.create(
                        expertClients, config, serdes, spec, backends.create(spec), meters, member),
                restarts,
                meters);
        closeables.add(worker);
        workers.computeIfAbsent(spec.name(), name -> new ArrayList<>()).add(worker);
        worker.start();
      }
    }
  }

  private void startAdaptation(
      GatestreamConfig config, String bootstrapServers, String registryUrl, Path checkpointDir) {
    try {
      adaptation = AdaptationRunner.start(config, bootstrapServers, registryUrl, checkpointDir);
      closeables.add(adaptation);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the adaptation job: " + e.getMessage(), e);
    }
  }

  /** Stops every worker of one expert, as if it crashed: its tasks go unanswered. */
  public void stopExpert(String name) {
    List<WorkerSupervisor<ExpertWorker>> stopped = workers.remove(name);
    if (stopped == null) {
      throw new IllegalArgumentException("no running expert '" + name + "'");
    }
    stopped.forEach(WorkerSupervisor::close);
  }

  /**
   * The state of each stage this pipeline runs, e.g. {@code router -> RUNNING}, {@code expert gpt-4
   * -> 2 of 2 workers running}, {@code adaptation -> RUNNING}.
   */
  public Map<String, StageState> stageStates() {
    Map<String, StageState> states = new LinkedHashMap<>();
    streamsStages.forEach(
        (name, stage) -> states.put(name, StageState.ofStreams(stage.state(), stage.failure())));
    workers.forEach(
        (name, supervised) ->
            states.put(
                "expert " + name,
                StageState.ofWorkers(supervised.stream().map(WorkerSupervisor::status).toList())));
    if (adaptation != null) {
      states.put("adaptation", adaptationState());
    }
    return states;
  }

  /**
   * The stages that stopped and will not come back by themselves (a Streams stage in ERROR after
   * its bounded thread replacements, an expert worker past its restarts, a failed adaptation job),
   * with their states: a process running them should exit non-zero, so that whatever supervises it
   * starts it again.
   */
  public Map<String, String> unrecoverable() {
    Map<String, String> stopped = new LinkedHashMap<>();
    stageStates()
        .forEach(
            (stage, state) -> {
              if (state.terminal()) {
                stopped.put(stage, state.state());
              }
            });
    return stopped;
  }

  private StageState adaptationState() {
    try {
      return StageState.ofJob(adaptation.status());
    } catch (Exception e) {
      return new StageState("UNKNOWN (" + e.getMessage() + ")", false, false);
    }
  }

  /** The router's meters, read back; null when this pipeline runs no router. */
  public RouterMetrics routerMetrics() {
    return routerMetrics;
  }

  /** Fusion's meters, read back; null when this pipeline runs no fusion. */
  public FusionMetrics fusionMetrics() {
    return fusionMetrics;
  }

  public Map<String, ExpertWorker.Metrics> expertMetrics() {
    Map<String, ExpertWorker.Metrics> metrics = new LinkedHashMap<>();
    // The counters are the expert's, so any running worker reads them; none runs while all restart.
    workers.forEach(
        (name, instances) ->
            instances.stream()
                .flatMap(worker -> worker.current().stream())
                .findFirst()
                .ifPresent(worker -> metrics.put(name, worker.metrics())));
    return metrics;
  }

  /** The router's active weights version, or -1 when this pipeline runs no router. */
  public long policyVersion() {
    return policy == null ? -1 : policy.version();
  }

  /** The router's active policy: its gate and when that was swapped in; null without a router. */
  public ActivePolicy.Swap activePolicy() {
    return policy == null ? null : policy.current();
  }

  /** One status line: what each stage has done so far. */
  public String status() {
    StringBuilder line = new StringBuilder();
    if (policy != null) {
      line.append("router: ")
          .append(routerMetrics)
          .append(", policy ")
          .append(policy.policy())
          .append(" v")
          .append(policy.version())
          .append("; ");
    }
    line.append("fusion: ").append(fusionMetrics == null ? "not run here" : fusionMetrics);
    expertMetrics()
        .forEach(
            (name, m) ->
                line.append("; ")
                    .append(name)
                    .append(": ")
                    .append(m.ok())
                    .append(" ok/")
                    .append(m.tasks())
                    .append(" tasks"));
    workers.forEach(
        (name, supervised) -> {
          long restarts = supervised.stream().mapToLong(worker -> worker.status().restarts()).sum();
          if (restarts > 0) {
            line.append("; ").append(name).append(" worker restarts: ").append(restarts);
          }
        });
    return line.toString();
  }

  @Override
  public void close() {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.warn("error while stopping the pipeline", e);
      }
    }
    closeables.clear();
  }
}
