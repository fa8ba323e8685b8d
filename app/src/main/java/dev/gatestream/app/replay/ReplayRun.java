package dev.gatestream.app.replay;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.RoutingComponents;
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
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * Runs replays, each through a live pipeline of its own (router, one replay expert per logged expert,
 * fusion and the adaptation job) on fresh topics of the cluster, deleted afterwards: so that runs never
 * see each other's weights, results or state.
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
  public record Log(String name, Path file, List<String> experts, List<Row> rows, int duplicatesSkipped)
      implements Source {}

  /**
   * Requests recorded on a deployment's topic, in their original order, with their recorded feedback.
   *
   * @param recorded what the recorded deployment scored, from its feedback
   */
  public record Recorded(String name, List<RecordedRequest> requests, ReplayReport.Baseline recorded)
      implements Source {}

  /** Rows featurized at once (a model featurizer batches them), and how often to say how far it got. */
  private static final int FEATURE_BATCH = 256;
  private static final int FEATURE_PROGRESS = 5_000;

  private final GatestreamConfig base;
  private final String bootstrap;
  private final String registryUrl;
  private final Admin admin;
  private final Duration clientTimeout;
  private final ReplayOptions options;
  private final int bucket;
  private final Path home;
  private final PrintWriter out;
  private boolean keepTopics;

  /** @param home directory that relative paths of the configuration resolve against */
  public ReplayRun(GatestreamConfig base, String bootstrap, String registryUrl, Admin admin, Duration clientTimeout,
      ReplayOptions options, int bucket, Path home, PrintWriter out) {
    this.base = base;
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
    this.admin = admin;
    this.clientTimeout = clientTimeout;
    this.options = options;
    this.bucket = bucket;
    this.home = home;
    this.out = out;
  }

  /** Keeps each run's topics instead of deleting them, e.g. to evaluate other policies on its decisions. */
  public ReplayRun keepTopics() {
    keepTopics = true;
    return this;
  }

  /**
   * The configuration of one run: replaying logs, their experts replay from them; replaying recorded
   * requests only, the configured experts answer.
   */
  private GatestreamConfig config(List<Log> logs, Map<String, String> overrides, String run, Path workDir) {
    Map<String, String> values = new HashMap<>();
    base.originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.putAll(overrides);
    values.put(GatestreamConfig.TOPIC_PREFIX, "replay-" + run + "-");
    if (!logs.isEmpty()) {
      List<String> experts = new ArrayList<>();
      logs.forEach(log -> log.experts().stream().filter(name -> !experts.contains(name)).forEach(experts::add));
      values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
      values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, String.join(",",
          logs.stream().map(log -> log.file().toAbsolutePath().toString()).toList()));
    }
    values.put(GatestreamConfig.STREAMS_STATE_DIR, workDir.resolve("state").toString());
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, workDir.resolve("checkpoints").toString());
    values.putIfAbsent(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000");
    values.putIfAbsent(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000");
    return new ConfigLoader(Map.of()).load(null, values);
  }

  /**
   * Replays the sources in sequence, learning carried across, and reports each as a segment.
   *
   * @param label prefixes the progress lines (e.g. the sweep point), may be empty
   * @param overrides settings of this run on top of the base configuration
   */
  public List<ReplayReport.Segment> run(String label, List<? extends Source> sources, Map<String, String> overrides) {
    String run = Long.toString(System.currentTimeMillis(), 36);
    Path workDir;
    try {
      workDir = Files.createTempDirectory("gatestream-replay");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Log> logs = sources.stream().filter(Log.class::isInstance).map(Log.class::cast).toList();
    GatestreamConfig config = config(logs, overrides, run, workDir);
    List<ExpertSpec> specs = ExpertCatalog.load(config, home);
    List<String> experts = specs.stream().map(ExpertSpec::name).toList();
    List<ReplayReport.Baselines> baselines = logBaselines(config, logs, experts, prices(specs), label);
    double spendTarget = config.getDouble(GatestreamConfig.ROUTER_SPEND_TARGET);
    Topics topics = Topics.from(config);
    List<TopicSpec<?, ?>> catalogue = topics.all(experts);
    new TopicApplier(admin, clientTimeout).apply(catalogue);
    out.printf("%sreplaying %d sources, %d experts, on topics %s*%n", label, sources.size(), experts.size(),
        config.getString(GatestreamConfig.TOPIC_PREFIX));
    out.flush();
    List<ReplayReport.Segment> segments = new ArrayList<>();
    try (Pipeline pipeline = Pipeline.startAll(config, bootstrap, registryUrl, specs, workDir);
         RegistrySerdes serdes = new RegistrySerdes(registryUrl, true);
         ReplayDriver driver = new ReplayDriver(topics, serdes, new KafkaClients(config, bootstrap), options, bucket,
             run, config.getString(GatestreamConfig.ROUTER_POLICY))) {
      Iterator<ReplayReport.Baselines> logBaselines = baselines.iterator();
      for (int s = 0; s < sources.size(); s++) {
        Source source = sources.get(s);
        long start = System.nanoTime();
        Consumer<ReplayReport.Bucket> progress = completed -> {
          int done = completed.fromRequest() + completed.requests();
          out.printf("%s%s: %6d requests, %5.0f/s, quality %.3f, cost %.5f, weights v%d%n", label, source.name(),
              done, done / ((System.nanoTime() - start) / 1e9), completed.quality(), completed.cost(),
              completed.policyVersion());
          out.flush();
        };
        if (source instanceof Log log) {
          // Each segment's request ids are its own: logs of one run (train and test of a source) may share ids.
          String segment = (s + 1) + ":";
          String file = log.file().toAbsolutePath().normalize().toString();
          segments.add(driver.replay(log.name(), log.rows().stream()
                  .map(row -> ReplayItem.of(row, segment + row.id(), file)).toList(), logBaselines.next(), progress)
              .withContext(log.duplicatesSkipped(), spendTarget));
        } else if (source instanceof Recorded recorded) {
          segments.add(driver.replay(recorded.name(), recorded.requests(),
              new ReplayReport.Baselines(Map.of(), null, null, recorded.recorded()), progress)
              .withContext(0, spendTarget));
        }
      }
    } finally {
      String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
      if (keepTopics) {
        out.printf("%skept the topics %s* (evaluate with --set %s=%s)%n", label, prefix,
            GatestreamConfig.TOPIC_PREFIX, prefix);
      } else {
        admin.deleteTopics(catalogue.stream().map(TopicSpec::name).toList());
      }
    }
    return segments;
  }

  /**
   * Each log's baselines, with the offline references fitted on the log before it (in-sample for the
   * first), computed before the pipeline starts so that they do not slow it.
   */
  private List<ReplayReport.Baselines> logBaselines(GatestreamConfig config, List<Log> logs, List<String> experts,
      Map<String, Double> prices, String label) {
    LogBaselines simple = new LogBaselines(experts, prices);
    OfflineReferences offline = new OfflineReferences(experts, prices);
    List<ReplayReport.Baselines> baselines = new ArrayList<>();
    try (Featurizer featurizer = RoutingComponents.featurizer(config)) {
      OfflineReferences.Sample earlier = null;
      for (Log log : logs) {
        OfflineReferences.Sample sample = new OfflineReferences.Sample(log.name(), log.rows(),
            features(featurizer, log, label));
        baselines.add(simple.of(log.rows()).withOffline(offline.of(earlier, sample)));
        earlier = sample;
      }
    }
    return baselines;
  }

  /** The router's features of the log's rows, for the kNN reference; null when it cannot featurize them. */
  private List<float[]> features(Featurizer featurizer, Log log, String label) {
    List<float[]> features = new ArrayList<>(log.rows().size());
    long start = System.nanoTime();
    int progress = FEATURE_PROGRESS;
    for (int from = 0; from < log.rows().size(); from += FEATURE_BATCH) {
      List<RoutingInput> batch = log.rows().subList(from, Math.min(log.rows().size(), from + FEATURE_BATCH)).stream()
          .map(row -> new RoutingInput(row.id(), row.task(), row.prompt(), null, null)).toList();
      try {
        features.addAll(featurizer.featurizeAll(batch));
      } catch (InvalidInputException e) {
        out.printf("%s%s: no kNN reference, the %s featurizer refuses its rows: %s%n", label, log.name(),
            featurizer.name(), e.getMessage());
        return null;
      }
      if (features.size() >= progress || features.size() == log.rows().size()) {
        progress += FEATURE_PROGRESS;
        out.printf("%s%s: featurized %d of %d rows for the kNN reference (%s, %.0f/s)%n", label, log.name(),
            features.size(), log.rows().size(), featurizer.name(),
            features.size() / ((System.nanoTime() - start) / 1e9));
        out.flush();
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
