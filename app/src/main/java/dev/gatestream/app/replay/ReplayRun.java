package dev.gatestream.app.replay;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.RoutingComponents;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs replays, each through a live pipeline of its own (router, one replay expert per logged
 * expert, fusion and the adaptation job) on fresh topics of the cluster, deleted afterwards, with a
 * work directory of its own, deleted too: so that runs never see each other's weights, results or
 * state.
 */
public final class ReplayRun {

  /** What one segment replays. */
  public sealed interface Source {
    String name();
  }

  /**
   * A wide routing log: its name in reports, its file and experts, the rows to send in order.
   *
   * @param duplicatesSkipped rows left out because an earlier row of the log had their id
   */
  public record Log(
      String name, Path file, List<String> experts, List<Row> rows, int duplicatesSkipped)
      implements Source {

    /**
     * The experts no row gives a confidence for: a cascade can judge none of their answers, so it
     * escalates past each of them.
     */
    public List<String> expertsWithoutConfidence() {
      return experts.stream()
          .filter(expert -> rows.stream().noneMatch(row -> row.confidence(expert).isPresent()))
          .toList();
    }
  }

  /**
   * Requests recorded on a deployment's topic, in their original order, with their recorded
   * feedback.
   *
   * @param recorded what the recorded deployment scored, from its feedback
   */
  public record Recorded(
      String name, List<RecordedRequest> requests, ReplayReport.Baseline recorded)
      implements Source {

    /** How many of the requests have recorded feedback. */
    public long withFeedback() {
      return requests.stream().filter(request -> request.recorded() != null).count();
    }
  }

  /**
   * Rows featurized at once (a model featurizer batches them), and how often to say how far it got.
   */
  private static final int FEATURE_BATCH = 256;

  private static final int FEATURE_PROGRESS = 5_000;

  private final Deployment deployment;
  private final Admin admin;
  private final ReplaySettings settings;
  private final Path home;
  private final ReplayListener listener;

  /**
   * @param admin a client of the deployment's cluster, for the runs' topics
   * @param home directory that relative paths of the configuration resolve against
   */
  public ReplayRun(
      Deployment deployment,
      Admin admin,
      ReplaySettings settings,
      Path home,
      ReplayListener listener) {
    this.deployment = deployment;
    this.admin = admin;
    this.settings = settings;
    this.home = home;
    this.listener = listener;
  }

  /**
   * Replays the sources in sequence, learning carried across, and reports each as a segment; with a
   * sweep, once per value of the swept setting, each run learning from scratch.
   */
  public ReplayReport run(List<? extends Source> sources) {
    ReplaySettings.Sweep sweep = settings.sweep();
    if (sweep == null) {
      listener.runStarted(new ReplayListener.RunStarted(null, null));
      return new ReplayReport(runOnce(sources, settings.overrides()));
    }
    List<ReplayReport.SweepPoint> points = new ArrayList<>();
    for (String value : sweep.values()) {
      Map<String, String> overrides = new HashMap<>(settings.overrides());
      overrides.put(sweep.setting(), value);
      listener.runStarted(new ReplayListener.RunStarted(sweep.setting(), value));
      points.add(new ReplayReport.SweepPoint(sweep.setting(), value, runOnce(sources, overrides)));
    }
    return new ReplayReport(points.get(points.size() - 1).segments(), points);
  }

  private List<ReplayReport.Segment> runOnce(
      List<? extends Source> sources, Map<String, String> overrides) {
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (WorkDirectory work = WorkDirectory.create(settings.scratch(), "gatestream-replay")) {
      List<Log> logs = sources.stream().filter(Log.class::isInstance).map(Log.class::cast).toList();
      GatestreamConfig config = config(logs, overrides, run, work.path());
      List<ExpertSpec> specs = ExpertCatalog.load(config, home);
      List<String> experts = specs.stream().map(ExpertSpec::name).toList();
      List<ReplayReport.Baselines> baselines = logBaselines(config, logs, experts, prices(specs));
      String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
      Topics topics = Topics.from(config);
      List<TopicSpec<?, ?>> catalogue = topics.all(experts);
      new TopicApplier(admin, deployment.clientTimeout()).apply(catalogue);
      listener.topicsReady(new ReplayListener.TopicsReady(sources.size(), experts.size(), prefix));
      try {
        return replay(config, specs, topics, run, work.path(), sources, baselines);
      } finally {
        if (settings.keepTopics()) {
          listener.topicsKept(new ReplayListener.TopicsKept(prefix));
        } else {
          admin.deleteTopics(catalogue.stream().map(TopicSpec::name).toList());
        }
      }
    }
  }

  private List<ReplayReport.Segment> replay(
      GatestreamConfig config,
      List<ExpertSpec> specs,
      Topics topics,
      String run,
      Path workDir,
      List<? extends Source> sources,
      List<ReplayReport.Baselines> baselines) {
    double spendTarget = config.getDouble(GatestreamConfig.ROUTER_SPEND_TARGET);
    List<ReplayReport.Segment> segments = new ArrayList<>();
    try (Pipeline pipeline =
            Pipeline.startAll(
                config, deployment.bootstrapServers(), deployment.registryUrl(), specs, workDir);
        RegistrySerdes serdes = deployment.registry().serdes(true);
        ReplayDriver driver =
            new ReplayDriver(
                topics,
                serdes,
                new KafkaClients(config, deployment.bootstrapServers()),
                settings.pace(),
                settings.bucket(),
                run,
                config.getString(GatestreamConfig.ROUTER_POLICY))) {
      Iterator<ReplayReport.Baselines> logBaselines = baselines.iterator();
      for (int s = 0; s < sources.size(); s++) {
        Source source = sources.get(s);
        ReplayReport.Segment segment;
        if (source instanceof Log log) {
          listener.segmentStarted(new ReplayListener.SegmentStarted(log.name(), log.rows().size()));
          // Each segment's request ids are its own: logs of one run (train and test of a source)
          // may share ids.
          String prefix = (s + 1) + ":";
          String file = log.file().toAbsolutePath().normalize().toString();
          segment =
              driver
                  .replay(
                      log.name(),
                      log.rows().stream()
                          .map(row -> ReplayItem.of(row, prefix + row.id(), file))
                          .toList(),
                      logBaselines.next(),
                      progress(log.name()))
                  .withContext(log.duplicatesSkipped(), spendTarget);
        } else {
          Recorded recorded = (Recorded) source;
          listener.segmentStarted(
              new ReplayListener.SegmentStarted(recorded.name(), recorded.requests().size()));
          segment =
              driver
                  .replay(
                      recorded.name(),
                      recorded.requests(),
                      new ReplayReport.Baselines(Map.of(), null, null, recorded.recorded()),
                      progress(recorded.name()))
                  .withContext(0, spendTarget);
        }
        listener.segmentFinished(new ReplayListener.SegmentFinished(segment));
        segments.add(segment);
      }
    }
    return segments;
  }

  private Consumer<ReplayReport.Bucket> progress(String segment) {
    long start = System.nanoTime();
    return completed ->
        listener.bucketCompleted(
            new ReplayListener.BucketCompleted(
                segment,
                completed.fromRequest() + completed.requests(),
                Duration.ofNanos(System.nanoTime() - start),
                completed));
  }

  /**
   * The configuration of one run: replaying logs, their experts replay from them; replaying
   * recorded requests only, the configured experts answer.
   */
  private GatestreamConfig config(
      List<Log> logs, Map<String, String> overrides, String run, Path workDir) {
    Map<String, String> values = new HashMap<>();
    deployment.config().originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.putAll(overrides);
    values.put(GatestreamConfig.TOPIC_PREFIX, "replay-" + run + "-");
    if (!logs.isEmpty()) {
      List<String> experts = new ArrayList<>();
      logs.forEach(
          log ->
              log.experts().stream().filter(name -> !experts.contains(name)).forEach(experts::add));
      values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
      values.put(
          GatestreamConfig.EXPERTS_REPLAY_LOG,
          String.join(
              ",", logs.stream().map(log -> log.file().toAbsolutePath().toString()).toList()));
    }
    values.put(GatestreamConfig.STREAMS_STATE_DIR, workDir.resolve("state").toString());
    // Its pipelines come and go within one process: no fixed metrics port for them.
    values.put(GatestreamConfig.METRICS_ADAPTATION_PORT, "-1");
    values.put(
        GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, workDir.resolve("checkpoints").toString());
    // Weights go out as soon as published (not at checkpoints): a short interval keeps them fresh
    // when the feedback slows down, the every-N-examples cadence while it flows.
    values.putIfAbsent(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "100");
    values.putIfAbsent(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000");
    return new ConfigLoader(Map.of()).load(null, values);
  }

  /**
   * Each log's baselines, with the offline references fitted on the log before it (in-sample for
   * the first), computed before the pipeline starts so that they do not slow it.
   */
  private List<ReplayReport.Baselines> logBaselines(
      GatestreamConfig config, List<Log> logs, List<String> experts, Map<String, Double> prices) {
    LogBaselines simple = new LogBaselines(experts, prices);
    OfflineReferences offline = new OfflineReferences(experts, prices);
    List<ReplayReport.Baselines> baselines = new ArrayList<>();
    try (Featurizer featurizer = RoutingComponents.featurizer(config)) {
      OfflineReferences.Sample earlier = null;
      for (Log log : logs) {
        OfflineReferences.Sample sample =
            new OfflineReferences.Sample(log.name(), log.rows(), features(featurizer, log));
        baselines.add(simple.of(log.rows()).withOffline(offline.of(earlier, sample)));
        earlier = sample;
      }
    }
    return baselines;
  }

  /**
   * The router's features of the log's rows, for the kNN reference; null when it cannot featurize
   * them.
   */
  private List<float[]> features(Featurizer featurizer, Log log) {
    List<float[]> features = new ArrayList<>(log.rows().size());
    long start = System.nanoTime();
    int progress = FEATURE_PROGRESS;
    for (int from = 0; from < log.rows().size(); from += FEATURE_BATCH) {
      List<RoutingInput> batch =
          log.rows().subList(from, Math.min(log.rows().size(), from + FEATURE_BATCH)).stream()
              .map(row -> new RoutingInput(row.id(), row.task(), row.prompt(), null, null))
              .toList();
      try {
        features.addAll(featurizer.featurizeAll(batch));
      } catch (InvalidInputException e) {
        listener.referenceSkipped(
            new ReplayListener.ReferenceSkipped(log.name(), featurizer.name(), e.getMessage()));
        return null;
      }
      if (features.size() >= progress || features.size() == log.rows().size()) {
        progress += FEATURE_PROGRESS;
        listener.referenceFeaturized(
            new ReplayListener.ReferenceFeaturized(
                log.name(),
                features.size(),
                log.rows().size(),
                featurizer.name(),
                Duration.ofNanos(System.nanoTime() - start)));
      }
    }
    return features;
  }

  private static Map<String, Double> prices(List<ExpertSpec> specs) {
    Map<String, Double> prices = new LinkedHashMap<>();
    specs.forEach(spec -> prices.put(spec.name(), spec.pricePerCall()));
    return prices;
  }
}
