package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.lifecycle.PolicyLifecycle;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A promotion outlives the adaptation job's next snapshot: with the whole pipeline running on the
 * model7 test split (production learning online, softmax top-1), an operator promotes a candidate
 * that sends everything to one expert; the job adopts the promoted version, and the snapshot it
 * publishes after it carries the promoted gate and lineage, so the router keeps routing by it. A
 * rollback then restores the learned version from before the promotion, which the job adopts in
 * turn. Last, the operator promotes the shadow expert: production's gate routes real traffic to it,
 * its answers reach fused results, and the job's next snapshot keeps it.
 */
@ExtendWith(GatestreamStackExtension.class)
class PromotionHoldsIT {

  private static final ReplayReport.Baselines UNREPORTED =
      new ReplayReport.Baselines(Map.of(), null, null, null);
  private static final Duration PUBLISHED_WITHIN = Duration.ofSeconds(120);
  private static final int SEGMENT = 200;

  private final StackEndpoints stack;

  PromotionHoldsIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void theJobsNextSnapshotCarriesThePromotionAndARollbackUndoesIt(@TempDir Path dir)
      throws Exception {
    SharedRoutingLog traffic = SharedRoutingLog.model7Test(5);
    List<String> all = traffic.experts();
    String shadow = all.get(all.size() - 1);
    List<String> experts = all.subList(0, all.size() - 1);
    String pinned = experts.get(0);
    String gate = "task-rules:default.experts=" + pinned + ",exploration=none";
    Path expertsFile = dir.resolve("experts.json");
    Files.writeString(
        expertsFile,
        String.format(
            Locale.ROOT,
            "[{\"name\": \"%s\", \"backend\": \"replay\", \"settings\": {\"log\": \"%s\"},"
                + " \"shadow\": {\"rate\": 0.3}}]",
            shadow,
            SharedRoutingLog.MODEL7_TEST));
    GatestreamConfig config = config(dir, experts, gate, expertsFile);
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(clients.ids().job("promotion-it", "admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(all));
    }
    List<WideRoutingLog.Row> rows = traffic.rows();
    int[] sent = {0};
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        Pipeline pipeline =
            Pipeline.startAll(
                config,
                stack.bootstrapServers(),
                stack.registryUrl(),
                ExpertCatalog.load(config, dir),
                dir);
        ReplayDriver driver = replayDriver(config, topics, serdes);
        PolicyLifecycle lifecycle = new PolicyLifecycle(config, dir)) {
      // Production learns: the job publishes, the router runs what it learned.
      RoutingWeights learned =
          sendUntil(
              "a learned version of prod",
              driver,
              rows,
              sent,
              () -> newest(topics, serdes).filter(weights -> weights.getEvidence() == null));
      Await.untilTrue(
          "the router runs a learned version",
          PUBLISHED_WITHIN,
          () -> pipeline.policyVersion() >= learned.getVersion());

      RoutingWeights promoted = lifecycle.promote("pinned");
      assertThat(promoted.getVersion()).isGreaterThan(learned.getVersion());
      Await.untilTrue(
          "the router runs the promoted version",
          PUBLISHED_WITHIN,
          () -> pipeline.policyVersion() >= promoted.getVersion());

      // The job learns on and publishes again: the promotion holds.
      RoutingWeights after =
          sendUntil(
              "a learned version after the promotion",
              driver,
              rows,
              sent,
              () ->
                  newest(topics, serdes)
                      .filter(
                          weights ->
                              weights.getVersion() > promoted.getVersion()
                                  && weights.getEvidence() == null));
      System.out.printf(
          "learned v%d, promoted v%d from %s, learned after it v%d (%d examples): gate %s, from %s%n",
          learned.getVersion(),
          promoted.getVersion(),
          promoted.getPromotedFrom(),
          after.getVersion(),
          after.getExamples(),
          after.getGate(),
          after.getPromotedFrom());
      assertThat(after.getGate()).isEqualTo(gate);
      assertThat(after.getPromotedFrom()).isEqualTo("pinned@v0");
      assertThat(after.getPreviousVersion()).isEqualTo(promoted.getPreviousVersion());
      Await.untilTrue(
          "the router runs the version learned after the promotion",
          PUBLISHED_WITHIN,
          () -> pipeline.policyVersion() >= after.getVersion());
      double pinnedShare = share(segment(driver, rows, sent, "promoted"), pinned);
      System.out.printf("share of %s after the job published again: %.3f%n", pinned, pinnedShare);
      assertThat(pinnedShare).isEqualTo(1.0);

      // A rollback after learned versions still finds the version before the promotion.
      RoutingWeights rolledBack = lifecycle.rollback();
      assertThat(rolledBack.getGate()).isNull();
      assertThat(rolledBack.getPromotedFrom()).isEqualTo("prod@v" + promoted.getPreviousVersion());
      Await.untilTrue(
          "the router runs the rolled-back version",
          PUBLISHED_WITHIN,
          () -> pipeline.policyVersion() >= rolledBack.getVersion());
      RoutingWeights afterRollback =
          sendUntil(
              "a learned version after the rollback",
              driver,
              rows,
              sent,
              () ->
                  newest(topics, serdes)
                      .filter(
                          weights ->
                              weights.getVersion() > rolledBack.getVersion()
                                  && weights.getEvidence() == null));
      assertThat(afterRollback.getGate()).isNull();
      assertThat(afterRollback.getPromotedFrom()).isEqualTo(rolledBack.getPromotedFrom());
      ReplayReport.Segment rolledBackTraffic = segment(driver, rows, sent, "rolled-back");
      double shareAfterRollback = share(rolledBackTraffic, pinned);
      System.out.printf("share of %s after the rollback: %.3f%n", pinned, shareAfterRollback);
      assertThat(shareAfterRollback).isLessThan(0.9);
      assertThat(share(rolledBackTraffic, shadow)).isZero();
      assertThat(fusedContributors(config, topics, serdes)).doesNotContain(shadow);

      // The shadow expert promoted by the operator: production's gate chooses it, its answers
      // are fused, and the job's next snapshot keeps it in the gate.
      RoutingWeights withShadow = lifecycle.promote(shadow);
      System.out.printf(
          "promoted shadow %s: v%d, gate %s, evidence: %s%n",
          shadow,
          withShadow.getVersion(),
          withShadow.getGate(),
          withShadow.getEvidence().getReason());
      assertThat(withShadow.getGate()).endsWith("promoted.experts=" + shadow);
      assertThat(withShadow.getPromotedFrom()).isEqualTo(shadow + "@v0");
      assertThat(withShadow.getEvidence().getDecidedBy()).isEqualTo("operator");
      assertThat(withShadow.getEvidence().getDecisions()).isPositive();
      Await.untilTrue(
          "the router runs the version with the shadow promoted",
          PUBLISHED_WITHIN,
          () -> pipeline.policyVersion() >= withShadow.getVersion());
      ReplayReport.Segment promotedTraffic = segment(driver, rows, sent, "shadow-promoted");
      System.out.printf(
          "share of %s once promoted: %.3f%n", shadow, share(promotedTraffic, shadow));
      assertThat(share(promotedTraffic, shadow)).isPositive();
      assertThat(fusedContributors(config, topics, serdes)).contains(shadow);
      RoutingWeights afterShadow =
          sendUntil(
              "a learned version after the shadow's promotion",
              driver,
              rows,
              sent,
              () ->
                  newest(topics, serdes)
                      .filter(
                          weights ->
                              weights.getVersion() > withShadow.getVersion()
                                  && weights.getEvidence() == null));
      assertThat(afterShadow.getGate()).isEqualTo(withShadow.getGate());
    }
  }

  /** Every expert that contributed to a fused result of this deployment. */
  private List<String> fusedContributors(
      GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    List<String> contributors = new ArrayList<>();
    TopicRangeReader.read(
        new KafkaClients(config, stack.bootstrapServers()),
        new StringDeserializer(),
        serdes.valueSerde(topics.fusedResults()).deserializer(),
        TopicRange.whole(topics.fusedResults().name()),
        Duration.ofSeconds(30),
        record -> {
          FusedResult fused = record.value();
          if (fused != null) {
            contributors.addAll(fused.getContributors());
          }
        });
    return contributors;
  }

  /** Sends segments of traffic until the probe finds what it waits for, within bounds. */
  private static RoutingWeights sendUntil(
      String what,
      ReplayDriver driver,
      List<WideRoutingLog.Row> rows,
      int[] sent,
      Await.Probe<RoutingWeights> probe)
      throws Exception {
    long deadline = System.nanoTime() + PUBLISHED_WITHIN.toNanos();
    while (System.nanoTime() < deadline && sent[0] + SEGMENT <= rows.size()) {
      segment(driver, rows, sent, what);
      Optional<RoutingWeights> found = probe.poll();
      if (found.isPresent()) {
        return found.get();
      }
    }
    return Await.until(what, PUBLISHED_WITHIN, probe);
  }

  private static ReplayReport.Segment segment(
      ReplayDriver driver, List<WideRoutingLog.Row> rows, int[] sent, String name) {
    ReplayReport.Segment segment =
        driver.replay(
            name + "-" + sent[0],
            SharedRoutingLog.items(rows.subList(sent[0], sent[0] + SEGMENT)),
            UNREPORTED,
            bucket -> {});
    sent[0] += SEGMENT;
    return segment;
  }

  private static double share(ReplayReport.Segment segment, String expert) {
    return segment.share().getOrDefault(expert, 0.0);
  }

  private Optional<RoutingWeights> newest(Topics topics, RegistrySerdes serdes) {
    return RoutingWeightsTopic.all(stack.bootstrapServers(), topics, serdes).stream()
        .filter(weights -> weights.getPolicy().equals("prod"))
        .reduce((a, b) -> b.getVersion() > a.getVersion() ? b : a);
  }

  private GatestreamConfig config(
      Path dir, List<String> experts, String candidateGate, Path expertsFile) {
    Map<String, String> values = new HashMap<>();
    values.put(GatestreamConfig.EXPERTS_FILE, expertsFile.toString());
    values.put(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("promo") + "-");
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, SharedRoutingLog.MODEL7_TEST.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, dir.resolve("state").toString());
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, dir.resolve("checkpoints").toString());
    values.put(GatestreamConfig.ROUTER_POLICY, "prod");
    values.put(GatestreamConfig.ROUTER_GATE, "softmax-top-k");
    values.put(GatestreamConfig.ROUTER_GATE_K, "1");
    values.put(GatestreamConfig.ROUTER_EXPLORATION, "temperature");
    values.put(GatestreamConfig.ROUTER_EXPLORATION_TEMPERATURE, "1.0");
    values.put(GatestreamConfig.ROUTER_CANDIDATE_POLICY, "pinned");
    values.put(GatestreamConfig.ROUTER_CANDIDATE_GATE, candidateGate);
    values.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "100");
    values.put(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000");
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000");
    return StackDeployment.config(stack, values);
  }

  private ReplayDriver replayDriver(GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    return new ReplayDriver(
        topics,
        serdes,
        new KafkaClients(config, stack.bootstrapServers()),
        ReplayOptions.unpaced(50, Duration.ofSeconds(30), Duration.ZERO, 0.0, 1),
        1000,
        TestNames.unique("promo-replay"),
        "prod");
  }
}
