package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.app.evaluate.CandidateSpec;
import dev.gatestream.app.evaluate.EvaluateJob;
import dev.gatestream.app.evaluate.EvaluateListener;
import dev.gatestream.app.evaluate.EvaluateReport;
import dev.gatestream.app.evaluate.EvaluateSettings;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.policy.evaluation.Evaluation;
import dev.gatestream.policy.evaluation.UnsupportedCandidateException;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.streams.router.ActivePolicy;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-policy estimates against what the candidate actually scores when it routes the same traffic.
 * Logged traffic of seven real 7-8B models (model7 train split) goes through a live pipeline whose
 * router explores (temperature sampling of 2 experts, learning online, after a warm-up on other
 * rows); the evaluate job then estimates, from those decisions and their feedback alone, the
 * quality of candidates that never routed a request: always the best expert, always the worst, and
 * the greedy top-1 gate of the weights learned in the warm-up. Their actual quality: the replayed
 * logs' column means for always-X (replay experts answer with the logged score), and a second live
 * replay of the same rows with the top-1 gate as the router's policy.
 */
@ExtendWith(GatestreamStackExtension.class)
class EvaluateIT {

  /** The segment report's baselines, which this test does not look at. */
  private static final ReplayReport.Baselines UNREPORTED =
      new ReplayReport.Baselines(Map.of(), null, null, null);

  private static final int REQUESTS = 3_000;
  private static final int WARM_UP = 1_000;

  /**
   * An estimate passes when it is within 1.5 half-widths of its 95% interval of the actual value:
   * about 2.9 standard errors, so a correct estimator fails one run in a few hundred, while the
   * width bound below keeps the check sharp enough to catch an estimator that forgets to reweight.
   */
  private static final double HALF_WIDTHS = 1.5;

  private static final double MAX_WIDTH = 0.15;
  private static final Path HOME =
      Path.of(System.getProperty("gatestream.home", "..")).toAbsolutePath().normalize();

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
      columnMeans.put(
          expert, rows.stream().mapToDouble(row -> row.quality(expert)).average().orElseThrow());
    }
    String best = Collections.max(columnMeans.entrySet(), Map.Entry.comparingByValue()).getKey();
    String worst = Collections.min(columnMeans.entrySet(), Map.Entry.comparingByValue()).getKey();

    // (a) The logging run: exploring top-2, learning online; first a warm-up on other rows to learn
    // from.
    String loggingPrefix = TestNames.unique("eval-log") + "-";
    GatestreamConfig logging =
        config(
            dir.resolve("logging"),
            loggingPrefix,
            experts,
            Map.of(
                GatestreamConfig.ROUTER_GATE_K, "2",
                GatestreamConfig.ROUTER_EXPLORATION, "temperature",
                GatestreamConfig.ROUTER_EXPLORATION_TEMPERATURE, "1.0"));
    Topics loggingTopics = Topics.from(logging);
    applyTopics(logging, loggingTopics, experts);
    RoutingWeights learned;
    Instant evaluatedFrom;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      try (Pipeline pipeline =
              Pipeline.startAll(
                  logging,
                  stack.bootstrapServers(),
                  stack.registryUrl(),
                  ExpertCatalog.load(logging, dir),
                  dir.resolve("logging"));
          ReplayDriver driver = replayDriver(logging, loggingTopics, serdes)) {
        driver.replay(
            "warm-up",
            SharedRoutingLog.items(all.subList(REQUESTS, REQUESTS + WARM_UP)),
            UNREPORTED,
            bucket -> {});
        // The candidate's weights must not have learned from the decisions it is evaluated on: a
        // policy
        // fitted to the very rewards the logs revealed looks better on them than it is.
        learned = RoutingWeightsTopic.latest(stack.bootstrapServers(), loggingTopics, serdes);
        evaluatedFrom = Instant.now();
        driver.replay("logging", SharedRoutingLog.items(rows), UNREPORTED, bucket -> {});
      }
    }
    Path weightsFile = dir.resolve("weights.json");
    new ObjectMapper().writeValue(weightsFile.toFile(), ActivePolicy.toSnapshot(learned));

    // (b) Estimates from the logs alone: the decisions since the warm-up, and their feedback.
    String decisions = "kafka:" + loggingTopics.decisions().name() + "@" + evaluatedFrom + "..";
    Path export = dir.resolve("decisions.jsonl");
    CandidateSpec top1Gate = CandidateSpec.parse("softmax-top-k:k=1,exploration=none");
    EvaluateReport top1 =
        evaluate(
            loggingPrefix,
            EvaluateSettings.of(decisions, top1Gate)
                .withWeights(weightsFile.toString())
                .withExport(export));
    EvaluateReport alwaysBest =
        evaluate(loggingPrefix, EvaluateSettings.of(decisions, new CandidateSpec.Always(best)));
    EvaluateReport alwaysWorst =
        evaluate(
            loggingPrefix, EvaluateSettings.of(export.toString(), new CandidateSpec.Always(worst)));
    assertThat(top1.source().decisionRecords()).isEqualTo(REQUESTS);
    assertThat(top1.evaluation().used()).isEqualTo(REQUESTS);
    assertThat(top1.candidate()).contains("weights v" + learned.getVersion());
    // The export repeats the evaluation offline, to the last digit.
    EvaluateReport top1Offline =
        evaluate(
            loggingPrefix,
            EvaluateSettings.of(export.toString(), top1Gate).withWeights(weightsFile.toString()));
    assertThat(top1Offline.evaluation().doublyRobust()).isEqualTo(top1.evaluation().doublyRobust());

    // (c) The top-1 gate's actual quality: the same rows routed by it, with the learned weights
    // fixed.
    String candidatePrefix = TestNames.unique("eval-cand") + "-";
    GatestreamConfig candidate =
        config(
            dir.resolve("candidate"),
            candidatePrefix,
            experts,
            Map.of(
                GatestreamConfig.ROUTER_GATE_K, "1",
                GatestreamConfig.ROUTER_EXPLORATION, "none"));
    Topics candidateTopics = Topics.from(candidate);
    applyTopics(candidate, candidateTopics, experts);
    double top1Actual;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      publish(candidate, candidateTopics, serdes, learned);
      try (Pipeline pipeline =
              Pipeline.start(
                  candidate,
                  stack.bootstrapServers(),
                  stack.registryUrl(),
                  ExpertCatalog.load(candidate, dir),
                  EnumSet.of(Pipeline.Stage.ROUTER, Pipeline.Stage.FUSION, Pipeline.Stage.EXPERTS),
                  dir.resolve("candidate"));
          ReplayDriver driver = replayDriver(candidate, candidateTopics, serdes)) {
        Await.untilTrue(
            "the router runs the learned weights",
            Duration.ofSeconds(30),
            () -> pipeline.policyVersion() == learned.getVersion());
        top1Actual =
            driver
                .replay("candidate", SharedRoutingLog.items(rows), UNREPORTED, bucket -> {})
                .quality();
      }
    }

    System.out.printf(
        "estimates on %d logged decisions (weights v%d):%n", REQUESTS, learned.getVersion());
    check("top-1 gate", top1, top1Actual);
    check("always " + best, alwaysBest, columnMeans.get(best));
    check("always " + worst, alwaysWorst, columnMeans.get(worst));
    assertThat(alwaysBest.evaluation().doublyRobust().value())
        .isGreaterThan(alwaysWorst.evaluation().doublyRobust().upper());

    // A deterministic router's logs cannot support a candidate that spreads over the other experts.
    assertThatThrownBy(
            () ->
                evaluate(
                    candidatePrefix,
                    EvaluateSettings.of(
                        "kafka:" + candidateTopics.decisions().name(),
                        new CandidateSpec.Uniform())))
        .isInstanceOf(UnsupportedCandidateException.class)
        .hasMessageStartingWith("candidate selects expert ")
        .hasMessageContaining("where the logging policy's propensity was 0")
        .hasMessageEndingWith("the logs cannot support this candidate")
        .message()
        .doesNotContain("\n");
  }

  private static void check(String name, EvaluateReport report, double actual) {
    Evaluation evaluation = report.evaluation();
    System.out.printf(
        "%-55s actual %.4f; ESS %.0f, max weight %.2f%n",
        name, actual, evaluation.effectiveSampleSize(), evaluation.maxWeight());
    Map<String, Estimate> estimates =
        Map.of(
            "ips",
            evaluation.ips(),
            "selfNormalizedIps",
            evaluation.selfNormalizedIps(),
            "doublyRobust",
            evaluation.doublyRobust());
    for (String estimator : List.of("ips", "selfNormalizedIps", "doublyRobust")) {
      Estimate estimate = estimates.get(estimator);
      System.out.printf(
          "  %-18s %.4f [%.4f, %.4f] width %.4f, off by %+.4f%n",
          estimator,
          estimate.value(),
          estimate.lower(),
          estimate.upper(),
          estimate.width(),
          estimate.value() - actual);
      if (estimator.equals("ips")) {
        continue; // reported; IPS is the noisiest and not what the README recommends reading
      }
      assertThat(estimate.width())
          .as("%s %s interval width", name, estimator)
          .isLessThan(MAX_WIDTH);
      assertThat(Math.abs(estimate.value() - actual))
          .as("%s %s off the actual %.4f", name, estimator, actual)
          .isLessThanOrEqualTo(HALF_WIDTHS * estimate.width() / 2);
    }
  }

  private GatestreamConfig config(
      Path home, String prefix, List<String> experts, Map<String, String> router) {
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
    return StackDeployment.config(stack, values);
  }

  private void applyTopics(GatestreamConfig config, Topics topics, List<String> experts) {
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(clients.ids().job("evaluate-it", "admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }
  }

  /**
   * The evaluate job on the topics of this prefix, as a deployment of the test stack would run it.
   */
  private EvaluateReport evaluate(String prefix, EvaluateSettings settings) throws Exception {
    GatestreamConfig config =
        StackDeployment.config(stack, Map.of(GatestreamConfig.TOPIC_PREFIX, prefix));
    return new EvaluateJob(config, HOME, EvaluateListener.NONE).run(settings);
  }

  private ReplayDriver replayDriver(GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    return new ReplayDriver(
        topics,
        serdes,
        new KafkaClients(config, stack.bootstrapServers()),
        ReplayOptions.unpaced(50, Duration.ofSeconds(30), Duration.ZERO, 0.0, 1),
        1000,
        TestNames.unique("eval-replay"),
        "default");
  }

  private void publish(
      GatestreamConfig config, Topics topics, RegistrySerdes serdes, RoutingWeights weights) {
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (KafkaProducer<String, RoutingWeights> producer =
        clients.producer(
            clients.ids().job("evaluate-it", "weights"),
            Map.of(),
            new StringSerializer(),
            serdes.valueSerde(topics.routingWeights()).serializer())) {
      producer.send(
          new ProducerRecord<>(topics.routingWeights().name(), weights.getPolicy(), weights));
    }
  }
}
