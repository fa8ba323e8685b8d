package dev.gatestream.it;

import dev.gatestream.clients.KafkaClients;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.cli.GatestreamCli;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import dev.gatestream.streams.router.ActivePolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Off-policy estimates against what the candidate actually scores when it routes the same traffic. Logged
 * traffic of seven real 7-8B models (model7 train split) goes through a live pipeline whose router explores
 * (temperature sampling of 2 experts, learning online, after a warm-up on other rows);
 * {@code gatestream evaluate} then estimates, from
 * those decisions and their feedback alone, the quality of candidates that never routed a request: always
 * the best expert, always the worst, and the greedy top-1 gate of the weights learned in the warm-up.
 * Their actual quality:
 * the replayed logs' column means for always-X (replay experts answer with the logged score), and a second
 * live replay of the same rows with the top-1 gate as the router's policy.
 */
@ExtendWith(GatestreamStackExtension.class)
class EvaluateIT {

  /** The segment report's baselines, which this test does not look at. */
  private static final ReplayReport.Baselines UNREPORTED = new ReplayReport.Baselines(Map.of(), null, null, null);
  private static final int REQUESTS = 3_000;
  private static final int WARM_UP = 1_000;
  /**
   * An estimate passes when it is within 1.5 half-widths of its 95% interval of the actual value: about
   * 2.9 standard errors, so a correct estimator fails one run in a few hundred, while the width bound
   * below keeps the check sharp enough to catch an estimator that forgets to reweight.
   */
  private static final double HALF_WIDTHS = 1.5;
  private static final double MAX_WIDTH = 0.15;

  private final StackEndpoints stack;

  EvaluateIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void estimatesMatchTheCandidatesReplayedQuality(@TempDir Path dir) throws Exception {
    SharedRoutingLog log = SharedRoutingLog.model7Train(7);
    List<WideRoutingLog.Row> all = log.rows();
    List<String> experts = log.experts();
    List<WideRoutingLog.Row> rows = all.subList(0, REQUESTS);
    Map<String, Double> columnMeans = new HashMap<>();
    for (String expert : experts) {
      columnMeans.put(expert, rows.stream().mapToDouble(row -> row.quality(expert)).average().orElseThrow());
    }
    String best = Collections.max(columnMeans.entrySet(), Map.Entry.comparingByValue()).getKey();
    String worst = Collections.min(columnMeans.entrySet(), Map.Entry.comparingByValue()).getKey();

    // (a) The logging run: exploring top-2, learning online; first a warm-up on other rows to learn from.
    String loggingPrefix = TestNames.unique("eval-log") + "-";
    GatestreamConfig logging = config(dir.resolve("logging"), loggingPrefix, experts, Map.of(
        GatestreamConfig.ROUTER_GATE_K, "2",
        GatestreamConfig.ROUTER_EXPLORATION, "temperature",
        GatestreamConfig.ROUTER_EXPLORATION_TEMPERATURE, "1.0"));
    Topics loggingTopics = Topics.from(logging);
    applyTopics(loggingTopics, experts);
    RoutingWeights learned;
    Instant evaluatedFrom;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      try (Pipeline pipeline = Pipeline.startAll(logging, stack.bootstrapServers(), stack.registryUrl(),
              ExpertCatalog.load(logging, dir), dir.resolve("logging"));
           ReplayDriver driver = replayDriver(logging, loggingTopics, serdes)) {
        driver.replay("warm-up", SharedRoutingLog.items(all.subList(REQUESTS, REQUESTS + WARM_UP)), UNREPORTED,
            bucket -> { });
        // The candidate's weights must not have learned from the decisions it is evaluated on: a policy
        // fitted to the very rewards the logs revealed looks better on them than it is.
        learned = RoutingWeightsTopic.latest(stack.bootstrapServers(), loggingTopics, serdes);
        evaluatedFrom = Instant.now();
        driver.replay("logging", SharedRoutingLog.items(rows), UNREPORTED, bucket -> { });
      }
    }
    Path weightsFile = dir.resolve("weights.json");
    new ObjectMapper().writeValue(weightsFile.toFile(), ActivePolicy.toSnapshot(learned));

    // (b) Estimates from the logs alone: the decisions since the warm-up, and their feedback.
    String decisions = "kafka:" + loggingTopics.decisions().name() + "@" + evaluatedFrom + "..";
    Path export = dir.resolve("decisions.jsonl");
    JsonNode top1 = evaluate(dir, loggingPrefix, decisions, "softmax-top-k:k=1,exploration=none",
        "--weights", weightsFile.toString(), "--export", export.toString());
    JsonNode alwaysBest = evaluate(dir, loggingPrefix, decisions, "always:" + best);
    JsonNode alwaysWorst = evaluate(dir, loggingPrefix, export.toString(), "always:" + worst);
    assertThat(top1.at("/source/decisionRecords").asInt()).isEqualTo(REQUESTS);
    assertThat(top1.at("/evaluation/used").asInt()).isEqualTo(REQUESTS);
    assertThat(top1.at("/candidate").asText()).contains("weights v" + learned.getVersion());
    // The export repeats the evaluation offline, to the last digit.
    JsonNode top1Offline = evaluate(dir, loggingPrefix, export.toString(), "softmax-top-k:k=1,exploration=none",
        "--weights", weightsFile.toString());
    assertThat(top1Offline.at("/evaluation/doublyRobust")).isEqualTo(top1.at("/evaluation/doublyRobust"));

    // (c) The top-1 gate's actual quality: the same rows routed by it, with the learned weights fixed.
    String candidatePrefix = TestNames.unique("eval-cand") + "-";
    GatestreamConfig candidate = config(dir.resolve("candidate"), candidatePrefix, experts, Map.of(
        GatestreamConfig.ROUTER_GATE_K, "1",
        GatestreamConfig.ROUTER_EXPLORATION, "none"));
    Topics candidateTopics = Topics.from(candidate);
    applyTopics(candidateTopics, experts);
    double top1Actual;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      publish(candidateTopics, serdes, learned);
      try (Pipeline pipeline = Pipeline.start(candidate, stack.bootstrapServers(), stack.registryUrl(),
              ExpertCatalog.load(candidate, dir), EnumSet.of(Pipeline.Stage.ROUTER, Pipeline.Stage.FUSION,
                  Pipeline.Stage.EXPERTS), dir.resolve("candidate"));
           ReplayDriver driver = replayDriver(candidate, candidateTopics, serdes)) {
        Await.untilTrue("the router runs the learned weights", Duration.ofSeconds(30),
            () -> pipeline.policyVersion() == learned.getVersion());
        top1Actual = driver.replay("candidate", SharedRoutingLog.items(rows), UNREPORTED, bucket -> { }).quality();
      }
    }

    System.out.printf("estimates on %d logged decisions (weights v%d):%n", REQUESTS, learned.getVersion());
    check("top-1 gate", top1, top1Actual);
    check("always " + best, alwaysBest, columnMeans.get(best));
    check("always " + worst, alwaysWorst, columnMeans.get(worst));
    assertThat(alwaysBest.at("/evaluation/doublyRobust/value").asDouble())
        .isGreaterThan(alwaysWorst.at("/evaluation/doublyRobust/upper").asDouble());

    // A deterministic router's logs cannot support a candidate that spreads over the other experts.
    StringWriter err = new StringWriter();
    int exit = cli(new StringWriter(), err, "evaluate", "--decisions", "kafka:" + candidateTopics.decisions().name(),
        "--policy", "uniform", "--set", "topic.prefix=" + candidatePrefix);
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("gatestream: candidate selects expert ")
        .contains("where the logging policy's propensity was 0").endsWith("the logs cannot support this candidate"
            + System.lineSeparator());
    assertThat(err.toString().lines()).hasSize(1);
  }

  private static void check(String name, JsonNode report, double actual) {
    JsonNode evaluation = report.get("evaluation");
    System.out.printf("%-55s actual %.4f; ESS %.0f, max weight %.2f%n", name, actual,
        evaluation.get("effectiveSampleSize").asDouble(), evaluation.get("maxWeight").asDouble());
    for (String estimator : List.of("ips", "selfNormalizedIps", "doublyRobust")) {
      JsonNode estimate = evaluation.get(estimator);
      double value = estimate.get("value").asDouble();
      double lower = estimate.get("lower").asDouble();
      double upper = estimate.get("upper").asDouble();
      System.out.printf("  %-18s %.4f [%.4f, %.4f] width %.4f, off by %+.4f%n", estimator, value, lower, upper,
          upper - lower, value - actual);
      if (estimator.equals("ips")) {
        continue; // reported; IPS is the noisiest and not what the README recommends reading
      }
      assertThat(upper - lower).as("%s %s interval width", name, estimator).isLessThan(MAX_WIDTH);
      assertThat(Math.abs(value - actual)).as("%s %s off the actual %.4f", name, estimator, actual)
          .isLessThanOrEqualTo(HALF_WIDTHS * (upper - lower) / 2);
    }
  }

  private GatestreamConfig config(Path home, String prefix, List<String> experts, Map<String, String> router) {
    Map<String, String> values = new HashMap<>(router);
    values.put(GatestreamConfig.TOPIC_PREFIX, prefix);
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, SharedRoutingLog.MODEL7_TRAIN.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, home.resolve("state").toString());
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, home.resolve("checkpoints").toString());
    values.put(GatestreamConfig.ROUTER_GATE, "softmax-top-k");
    values.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "100");
    values.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000");
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000");
    return new ConfigLoader(Map.of()).load(null, values);
  }

  private void applyTopics(Topics topics, List<String> experts) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }
  }

  private JsonNode evaluate(Path dir, String prefix, String decisions, String policy, String... more)
      throws Exception {
    Path json = Files.createTempFile(dir, "evaluation", ".json");
    List<String> args = new ArrayList<>(List.of("evaluate", "--decisions", decisions, "--policy", policy,
        "--set", "topic.prefix=" + prefix, "--json", json.toString()));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = cli(out, err, args.toArray(String[]::new));
    System.out.print(out);
    assertThat(exit).as("gatestream %s: %s", String.join(" ", args), err).isZero();
    return new ObjectMapper().readTree(json.toFile());
  }

  private int cli(StringWriter out, StringWriter err, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap", stack.bootstrapServers(), "--registry-url", stack.registryUrl()));
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(all.toArray(String[]::new));
  }

  private ReplayDriver replayDriver(GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    return new ReplayDriver(topics, serdes, new KafkaClients(config, stack.bootstrapServers()),
        ReplayOptions.unpaced(50, Duration.ofSeconds(30), Duration.ZERO, 0.0, 1), 1000,
        TestNames.unique("eval-replay"), "default");
  }

  private void publish(Topics topics, RegistrySerdes serdes, RoutingWeights weights) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    try (KafkaProducer<String, RoutingWeights> producer = new KafkaProducer<>(props, new StringSerializer(),
        serdes.valueSerde(topics.routingWeights()).serializer())) {
      producer.send(new ProducerRecord<>(topics.routingWeights().name(), weights.getPolicy(), weights));
    }
  }
}
