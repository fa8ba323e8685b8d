package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.replay.LogBaselines;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.clients.KafkaClients;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on real Kafka and the embedded Flink job: logged traffic of seven real 7-8B models
 * (RouterDC's model7 training split) replayed through router, replay experts and fusion, feedback
 * from the logged scores, the adaptation job learning from it and the router hot-swapping what it
 * learns, starting from uniform weights.
 */
@ExtendWith(GatestreamStackExtension.class)
class AdaptationLoopIT {

  private static final int REQUESTS = 6_000;

  private final StackEndpoints stack;

  AdaptationLoopIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void routedQualityOfTheSecondHalfBeatsUniformAndApproachesTheBestExpert(@TempDir Path dir)
      throws Exception {
    SharedRoutingLog log = SharedRoutingLog.model7Train(42);
    List<WideRoutingLog.Row> rows = log.rows();
    List<String> experts = log.experts();

    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(
                null,
                Map.ofEntries(
                    Map.entry(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("loop") + "-"),
                    Map.entry(GatestreamConfig.EXPERTS, String.join(",", experts)),
                    Map.entry(
                        GatestreamConfig.EXPERTS_REPLAY_LOG,
                        SharedRoutingLog.MODEL7_TRAIN.toString()),
                    Map.entry(GatestreamConfig.STREAMS_STATE_DIR, dir.resolve("state").toString()),
                    Map.entry(
                        GatestreamConfig.ADAPTATION_CHECKPOINT_DIR,
                        dir.resolve("checkpoints").toString()),
                    Map.entry(GatestreamConfig.ROUTER_GATE, "softmax-top-k"),
                    Map.entry(GatestreamConfig.ROUTER_GATE_K, "1"),
                    // Softmax sampling: uniform while the weights are zero, sharper as the learned
                    // scores separate.
                    Map.entry(GatestreamConfig.ROUTER_EXPLORATION, "temperature"),
                    Map.entry(GatestreamConfig.ROUTER_EXPLORATION_TEMPERATURE, "0.25"),
                    Map.entry(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "100"),
                    Map.entry(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000"),
                    Map.entry(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000")));
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(clients.ids().job("loop-it", "admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }

    ReplayReport.Segment segment;
    RoutingWeights beforeRestart;
    LogBaselines baselines = new LogBaselines(experts, Map.of());
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      try (Pipeline pipeline =
              Pipeline.startAll(
                  config,
                  stack.bootstrapServers(),
                  stack.registryUrl(),
                  ExpertCatalog.load(config, dir),
                  dir);
          ReplayDriver driver = replayDriver(config, topics, serdes)) {
        List<WideRoutingLog.Row> learning = rows.subList(0, REQUESTS);
        segment =
            driver.replay(
                "model7-train",
                SharedRoutingLog.items(learning),
                baselines.of(learning),
                bucket ->
                    System.out.printf(
                        "requests %5d-%5d quality %.3f weights v%d share %s%n",
                        bucket.fromRequest(),
                        bucket.fromRequest() + bucket.requests(),
                        bucket.quality(),
                        bucket.policyVersion(),
                        bucket.share().entrySet().stream()
                            .map(
                                e ->
                                    String.format(
                                        "%s=%.2f",
                                        e.getKey().substring(e.getKey().indexOf('/') + 1),
                                        e.getValue()))
                            .collect(Collectors.joining(" "))));
        beforeRestart = RoutingWeightsTopic.latest(stack.bootstrapServers(), topics, serdes);
      }

      // Restart everything from the adaptation job's last checkpoint and go on: learning carries
      // over.
      try (Pipeline pipeline =
              Pipeline.startAll(
                  config,
                  stack.bootstrapServers(),
                  stack.registryUrl(),
                  ExpertCatalog.load(config, dir),
                  dir);
          ReplayDriver driver = replayDriver(config, topics, serdes)) {
        driver.replay(
            "after restart",
            SharedRoutingLog.items(rows.subList(REQUESTS, REQUESTS + 300)),
            baselines.of(rows.subList(REQUESTS, REQUESTS + 300)),
            bucket -> {});
        long versionBefore = beforeRestart.getVersion();
        // Snapshots go out at least once, before their checkpoint: the restored job first learns
        // again what it had published after its checkpoint, then goes past it.
        RoutingWeights afterRestart =
            Await.until(
                "weights published after the restart, past what was learned before it",
                Duration.ofSeconds(60),
                () ->
                    Optional.of(
                            RoutingWeightsTopic.latest(stack.bootstrapServers(), topics, serdes))
                        .filter(
                            weights ->
                                weights.getVersion() > versionBefore
                                    && weights.getExamples() > beforeRestart.getExamples()));
        // Routers take only newer versions: across the restart, each snapshot is newer than the
        // last.
        assertThat(RoutingWeightsTopic.all(stack.bootstrapServers(), topics, serdes))
            .extracting(RoutingWeights::getVersion)
            .isSorted()
            .doesNotHaveDuplicates();
        System.out.printf(
            "before restart v%d from %d examples; after v%d from %d examples%n",
            beforeRestart.getVersion(),
            beforeRestart.getExamples(),
            afterRestart.getVersion(),
            afterRestart.getExamples());
      }
    }

    List<ReplayReport.Bucket> buckets = segment.buckets();
    List<ReplayReport.Bucket> secondHalf = buckets.subList(buckets.size() / 2, buckets.size());
    double secondHalfQuality =
        secondHalf.stream().mapToDouble(bucket -> bucket.quality() * bucket.requests()).sum()
            / secondHalf.stream().mapToInt(ReplayReport.Bucket::requests).sum();
    double bestSingle = segment.baselines().bestSingleExpert().quality();
    double uniform = segment.baselines().uniformRandom().quality();
    System.out.printf(
        "second half %.3f, uniform %.3f, best single %.3f, oracle %.3f%n",
        secondHalfQuality, uniform, bestSingle, segment.baselines().oracle().quality());

    assertThat(secondHalf.get(secondHalf.size() - 1).policyVersion())
        .as("weights were learned and used")
        .isPositive();
    assertThat(secondHalfQuality).isGreaterThan(uniform + 0.025);
    assertThat(secondHalfQuality).isGreaterThan(bestSingle - 0.03);
    // No collapse onto one expert while learning: the first bucket after cold start spreads
    // traffic.
    assertThat(buckets.get(0).share().values())
        .allSatisfy(share -> assertThat(share).isLessThan(0.5));
  }

  private ReplayDriver replayDriver(GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    return new ReplayDriver(
        topics,
        serdes,
        new KafkaClients(config, stack.bootstrapServers()),
        ReplayOptions.unpaced(50, Duration.ofSeconds(30), Duration.ZERO, 0.0, 1),
        500,
        TestNames.unique("loop-replay"),
        "default");
  }
}
