package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.flink.AdaptationSubmission;
import dev.gatestream.app.flink.FlinkRestClient;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.LocalFlinkCluster;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.stack.FlinkCluster;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The adaptation job on a real Flink session cluster instead of the embedded MiniCluster: a
 * JobManager and two TaskManagers as their own processes, the shaded job jar submitted through the
 * REST API as {@code gatestream adaptation submit} does. The TaskManager running the job is killed
 * with SIGKILL while requests flow; the job restarts on the other one from its last checkpoint, a
 * new TaskManager takes the dead one's place, and the published weights count every example fed,
 * none lost and none twice.
 */
@ExtendWith(GatestreamStackExtension.class)
class FlinkClusterIT {

  private static final String POLICY = "flink-cluster";
  private static final int BEFORE = 200;
  private static final int DURING = 200;
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final StackEndpoints stack;

  FlinkClusterIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void aKilledTaskManagerLosesNoLearning() throws Exception {
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(
                null,
                Map.ofEntries(
                    Map.entry(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("flink") + "-"),
                    Map.entry(GatestreamConfig.EXPERTS, String.join(",", LearningTraffic.EXPERTS)),
                    Map.entry(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "20"),
                    Map.entry(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "500"),
                    Map.entry(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "500")));
    Topics topics = Topics.from(config);
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(TestNames.unique("flink-admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(LearningTraffic.EXPERTS));
    }

    long clusterStart = System.nanoTime();
    try (LocalFlinkCluster local = LocalFlinkCluster.start(2, 1);
        RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        LearningTraffic traffic = new LearningTraffic(clients, topics, serdes, POLICY)) {
      FlinkCluster cluster = local.cluster();
      System.out.printf(
          "flink cluster (1 JobManager, 2 TaskManagers) up in %.1fs at %s%n",
          seconds(clusterStart), cluster.restUrl());
      FlinkRestClient rest = new FlinkRestClient(cluster.restUrl(), Duration.ofSeconds(30));
      AdaptationSubmission submission = new AdaptationSubmission(rest);
      AdaptationSubmission.Submitted job =
          submission.submit(
              AdaptationSubmission.jobJar(cluster.settings().home()),
              config,
              stack.bootstrapServers(),
              stack.registryUrl(),
              Optional.empty(),
              WAIT);
      System.out.printf(
          "job %s submitted through the REST API, all tasks running after %.1fs%n",
          job.jobId(), job.took().toMillis() / 1000.0);

      for (int i = 0; i < BEFORE; i++) {
        traffic.request("before-" + i, 0.9, 0.2, 0.001);
      }
      Await.until(
          "weights learned from all " + BEFORE + " requests",
          WAIT,
          () -> newest(topics, serdes).filter(weights -> weights.getExamples() == BEFORE));
      long checkpointsBefore = rest.checkpoints(job.jobId()).completed();
      Await.untilTrue(
          "a checkpoint after the first " + BEFORE + " examples",
          WAIT,
          () -> rest.checkpoints(job.jobId()).completed() > checkpointsBefore);

      // The second batch flows while the TaskManager running the job is killed halfway through.
      CountDownLatch halfway = new CountDownLatch(1);
      CompletableFuture<Void> during =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int i = 0; i < DURING; i++) {
                    if (i == DURING / 2) {
                      halfway.countDown();
                    }
                    traffic.request("during-" + i, 0.9, 0.2, 0.001);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(halfway.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      String busy =
          rest.taskManagers().stream()
              .filter(tm -> tm.freeSlots() < tm.slots())
              .map(FlinkRestClient.TaskManager::id)
              .findFirst()
              .orElseThrow();
      ProcessHandle victim = cluster.taskManagerProcess(busy).orElseThrow();
      long killedAt = System.nanoTime();
      assertThat(victim.destroyForcibly()).isTrue();
      victim.onExit().get(30, TimeUnit.SECONDS);
      long published = RoutingWeightsTopic.all(stack.bootstrapServers(), topics, serdes).size();
      // A replacement for the dead TaskManager, while the job restarts on the spare one.
      CompletableFuture<Void> replacement =
          CompletableFuture.runAsync(
              () -> {
                try {
                  cluster.up();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      Await.untilTrue(
          "the job to notice the lost TaskManager",
          WAIT,
          () -> !rest.job(job.jobId()).fullyRunning());
      double noticed = seconds(killedAt);
      submission.awaitRunning(job.jobId(), WAIT);
      double running = seconds(killedAt);
      Await.untilTrue(
          "weights published after the restart",
          WAIT,
          () ->
              RoutingWeightsTopic.all(stack.bootstrapServers(), topics, serdes).size() > published);
      double firstWeights = seconds(killedAt);
      FlinkRestClient.Checkpoints checkpoints = rest.checkpoints(job.jobId());

      during.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      RoutingWeights last =
          Await.until(
              "weights learned from all " + (BEFORE + DURING) + " requests",
              WAIT,
              () ->
                  newest(topics, serdes)
                      .filter(weights -> weights.getExamples() >= BEFORE + DURING));
      replacement.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      // The replacement's process is up before it has registered with the JobManager.
      Await.untilTrue(
          "the replacement TaskManager registered", WAIT, () -> rest.taskManagers().size() == 2);
      List<RoutingWeights> all = RoutingWeightsTopic.all(stack.bootstrapServers(), topics, serdes);

      System.out.printf(
          "SIGKILL of %s (pid %d) with %d of %d requests sent: loss noticed after %.1fs, all tasks"
              + " running again after %.1fs, first new weights after %.1fs; restored %s%n",
          busy,
          victim.pid(),
          BEFORE + DURING / 2,
          BEFORE + DURING,
          noticed,
          running,
          firstWeights,
          checkpoints.lastRestoredPath().orElse("nothing"));
      System.out.printf(
          "weights v%d from %d examples (%d fed); %d snapshots, %d of them before the kill%n",
          last.getVersion(), last.getExamples(), BEFORE + DURING, all.size(), published);

      assertThat(checkpoints.restored()).as("restores from a checkpoint").isPositive();
      assertThat(checkpoints.lastRestoredPath()).isPresent();
      assertThat(rest.job(job.jobId()).fullyRunning()).as("the same job runs on").isTrue();
      assertThat(last.getExamples()).as("every example learned once").isEqualTo(BEFORE + DURING);
      assertThat(all)
          .as("no snapshot counts an example twice")
          .allSatisfy(
              weights -> assertThat(weights.getExamples()).isLessThanOrEqualTo(BEFORE + DURING));
      // Routers take only newer versions: across the restore, each snapshot is newer than the last.
      assertThat(all).extracting(RoutingWeights::getVersion).isSorted().doesNotHaveDuplicates();
    }
  }

  private Optional<RoutingWeights> newest(Topics topics, RegistrySerdes serdes) {
    return RoutingWeightsTopic.all(stack.bootstrapServers(), topics, serdes).stream()
        .max(Comparator.comparingLong(RoutingWeights::getVersion));
  }

  private static double seconds(long sinceNanos) {
    return (System.nanoTime() - sinceNanos) / 1e9;
  }
}
