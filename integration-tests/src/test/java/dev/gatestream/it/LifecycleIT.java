package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.lifecycle.LifecycleReport;
import dev.gatestream.app.lifecycle.PolicyLifecycle;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.replay.ReplayDriver;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.PromotionEvidence;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.policy.lifecycle.Verdict;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.streams.router.CandidateRunner;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy lifecycle on live traffic of seven real 7-8B models (model7 test split): production
 * routes uniformly among six of them (softmax top-1 at zero weights, temperature sampling), the
 * seventh shadows it on a sample of requests, and a candidate trained on the train split (each
 * task's best expert there, as task rules) decides every request beside production. {@code
 * gatestream policy watch}'s loop judges the production log as it grows and promotes the candidate
 * once the lower bound of its doubly-robust gain clears the margin; production quality rises after.
 * Then a deliberately bad candidate (always the train split's worst expert) serving a canary share
 * is refused by the rule and its canary rolled back by the guardrail within a bounded number of
 * requests.
 */
@ExtendWith(GatestreamStackExtension.class)
class LifecycleIT {

  private static final ReplayReport.Baselines UNREPORTED =
      new ReplayReport.Baselines(Map.of(), null, null, null);
  private static final int SEGMENT = 100;

  /**
   * Most requests each part may take to reach its decisions. The candidate's gain, about +0.06 on
   * the log, against a doubly-robust term whose standard deviation is about 1.0 per request (the
   * deterministic candidate matches uniform production on one request in six, at weight 6), clears
   * the lower bound of a 90% interval after about (1.645 / 0.06)² ≈ 750 requests on average (seen:
   * 400 to 1,300); at 95%, 900, 1,500 and over 3,000 requests were seen. The cap only makes a
   * promotion that never comes fail in bounded time.
   */
  private static final int MOST_REQUESTS = 6_000;

  /** Most decisions the guardrail may take to roll the bad canary back (seen: 300 to 400). */
  private static final int ROLLBACK_BOUND = 1_500;

  /**
   * How long the watch may take to judge what was sent, and a router to take up a version: far
   * above what a loaded 2-core machine needs, so that only a stuck stage fails the wait.
   */
  private static final Duration CATCH_UP = Duration.ofSeconds(120);

  /**
   * Requests after the promotion: enough that the quality after (the candidate's, about 0.55 on the
   * log) beats the quality before (uniform production's, about 0.41) with room for the noise of
   * both means (standard error of their difference about 0.025).
   */
  private static final int AFTER = 1_000;

  private static final double SHADOW_RATE = 0.3;

  private final StackEndpoints stack;

  LifecycleIT(StackEndpoints stack) {
    this.stack = stack;
  }

  /** Each task's best expert on the train split, and the worst and best overall. */
  private record Trained(String rules, String best, String worst) {}

  private static Trained train(List<String> experts) throws Exception {
    List<WideRoutingLog.Row> rows = SharedRoutingLog.model7Train(1).rows();
    Map<String, Map<String, double[]>> byTask = new LinkedHashMap<>();
    Map<String, double[]> overall = new HashMap<>();
    for (WideRoutingLog.Row row : rows) {
      for (String expert : experts) {
        double q = row.quality(expert);
        if (Double.isNaN(q)) {
          continue;
        }
        add(byTask.computeIfAbsent(row.task(), t -> new HashMap<>()), expert, q);
        add(overall, expert, q);
      }
    }
    String rules =
        byTask.entrySet().stream()
            .map(e -> e.getKey() + "=" + bestOf(e.getValue()))
            .collect(Collectors.joining(";"));
    String best = bestOf(overall);
    String worst =
        overall.entrySet().stream()
            .min(Comparator.comparingDouble(e -> e.getValue()[0] / e.getValue()[1]))
            .orElseThrow()
            .getKey();
    return new Trained(rules, best, worst);
  }

  private static void add(Map<String, double[]> sums, String expert, double q) {
    double[] sum = sums.computeIfAbsent(expert, e -> new double[2]);
    sum[0] += q;
    sum[1]++;
  }

  private static String bestOf(Map<String, double[]> sums) {
    return sums.entrySet().stream()
        .max(Comparator.comparingDouble(e -> e.getValue()[0] / e.getValue()[1]))
        .orElseThrow()
        .getKey();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void shadowScoredCandidatePromotedBadCanaryRolledBack(@TempDir Path dir) throws Exception {
    SharedRoutingLog traffic = SharedRoutingLog.model7Test(11);
    List<String> all = traffic.experts();
    String shadow = all.get(all.size() - 1);
    List<String> production = all.subList(0, all.size() - 1);
    Trained trained = train(production);
    Path expertsFile = dir.resolve("experts.json");
    Files.writeString(
        expertsFile,
        String.format(
            Locale.ROOT,
            "[{\"name\": \"%s\", \"backend\": \"replay\", \"settings\": {\"log\": \"%s\"},"
                + " \"shadow\": {\"rate\": %s}}]",
            shadow,
            SharedRoutingLog.MODEL7_TEST,
            SHADOW_RATE));
    List<WideRoutingLog.Row> rows = traffic.rows();

    // (a) Shadow and a good candidate, counterfactual.
    String goodGate =
        "task-rules:task.rules="
            + trained.rules()
            + ",default.experts="
            + trained.best()
            + ",exploration=none";
    GatestreamConfig good =
        config(
            dir.resolve("good"),
            production,
            Map.of(
                GatestreamConfig.EXPERTS_FILE,
                expertsFile.toString(),
                GatestreamConfig.ROUTER_CANDIDATE_POLICY,
                "trained",
                GatestreamConfig.ROUTER_CANDIDATE_GATE,
                goodGate,
                // The shadow is scored here; its promotion is PromotionHoldsIT's.
                GatestreamConfig.POLICY_WATCH_SHADOWS,
                "false"));
    Topics goodTopics = Topics.from(good);
    applyTopics(good, goodTopics, all);
    AtomicReference<LifecycleReport> promotedOn = new AtomicReference<>();
    AtomicReference<RoutingWeights> promoted = new AtomicReference<>();
    List<String> progress = new ArrayList<>();
    AtomicInteger goodJudged = new AtomicInteger();
    double before;
    double after;
    LifecycleReport finalReport;
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        Pipeline pipeline = start(good, dir.resolve("good"), new SimpleMeterRegistry());
        ReplayDriver driver = replayDriver(good, goodTopics, serdes);
        PolicyLifecycle lifecycle = new PolicyLifecycle(good, dir)) {
      Watching watching =
          Watching.start(
              lifecycle,
              new PolicyLifecycle.WatchListener() {
                @Override
                public void judged(LifecycleReport report) {
                  synchronized (progress) {
                    progress.add(report.decisions() + ": " + report.promotion().reason());
                  }
                  goodJudged.set(report.decisions());
                }

                @Override
                public void promoted(LifecycleReport report, RoutingWeights published) {
                  promotedOn.set(report);
                  promoted.set(published);
                }
              });
      List<Double> beforeQuality = new ArrayList<>();
      int sent = 0;
      while (promoted.get() == null && sent < MOST_REQUESTS) {
        beforeQuality.add(
            driver
                .replay(
                    "before-" + sent,
                    SharedRoutingLog.items(rows.subList(sent, sent + SEGMENT)),
                    UNREPORTED,
                    bucket -> {})
                .quality());
        sent += SEGMENT;
        watching.awaitJudged(goodJudged, sent, () -> promoted.get() != null);
      }
      watching.stop();
      synchronized (progress) {
        progress.forEach(line -> System.out.println("  judged at " + line));
      }
      assertThat(promoted.get()).as("promoted within %d requests", MOST_REQUESTS).isNotNull();
      RoutingWeights published = promoted.get();
      Await.untilTrue(
          "the router runs the promoted version",
          CATCH_UP,
          () -> pipeline.policyVersion() == published.getVersion());
      before = beforeQuality.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
      after =
          driver
              .replay(
                  "after",
                  SharedRoutingLog.items(rows.subList(sent, sent + AFTER)),
                  UNREPORTED,
                  bucket -> {})
              .quality();
      finalReport = lifecycle.report();

      LifecycleReport on = promotedOn.get();
      PromotionEvidence evidence = published.getEvidence();
      System.out.printf(
          Locale.ROOT,
          "promoted %s after %,d decisions (%,d judged, %,d requests sent): %s%n",
          published.getPromotedFrom(),
          on.decisions(),
          on.judged(),
          sent,
          on.promotion().reason());
      System.out.printf(
          Locale.ROOT,
          "  candidate %s, production %s, difference %s, ESS %.0f%n",
          LifecycleReportText.of(evidence.getCandidateValue()),
          LifecycleReportText.of(evidence.getProductionValue()),
          LifecycleReportText.of(evidence.getDifference()),
          evidence.getEffectiveSampleSize());
      System.out.printf(
          Locale.ROOT,
          "production quality: %.4f before (%,d requests), %.4f after (%,d requests)%n",
          before,
          sent,
          after,
          AFTER);
      finalReport.lines().forEach(line -> System.out.println("  report: " + line));

      assertThat(published.getPolicy()).isEqualTo("prod");
      assertThat(published.getGate()).isEqualTo(goodGate);
      assertThat(published.getPromotedFrom()).isEqualTo("trained@v0");
      assertThat(published.getPreviousVersion()).isZero();
      assertThat(evidence.getDecidedBy()).isEqualTo("rule");
      assertThat(evidence.getDifference().getLower()).isGreaterThan(0);
      assertThat(after).isGreaterThan(before);

      // The shadow: its sample, scored against every production expert, never fused.
      long shadowed = (long) pipelineMeter(pipeline, shadow);
      int routed = sent + AFTER;
      assertThat(shadowed).isBetween((long) (0.2 * routed), (long) (0.4 * routed));
      assertThat(finalReport.shadows())
          .allMatch(row -> row.shadow().equals(shadow))
          .extracting(LifecycleReport.ShadowRow::against)
          .containsExactlyInAnyOrderElementsOf(production);
      long scored =
          finalReport.shadows().stream().mapToLong(LifecycleReport.ShadowRow::requests).sum();
      assertThat(scored).isGreaterThan((long) (0.2 * routed));
      finalReport
          .shadows()
          .forEach(
              row -> assertThat(row.difference().lower()).isLessThan(row.difference().upper()));
      assertThat(fusedContributors(good, goodTopics, serdes)).doesNotContain(shadow);
    }

    // (b) A bad candidate as a 30% canary: refused, its canary rolled back.
    String badGate = "task-rules:default.experts=" + trained.worst() + ",exploration=none";
    GatestreamConfig bad =
        config(
            dir.resolve("bad"),
            production,
            Map.of(
                GatestreamConfig.ROUTER_CANDIDATE_POLICY, "worst",
                GatestreamConfig.ROUTER_CANDIDATE_GATE, badGate,
                GatestreamConfig.ROUTER_CANDIDATE_CANARY_SHARE, "0.3",
                // Any shortfall the interval is sure of: the worst expert is ~0.07 below uniform
                // here.
                GatestreamConfig.POLICY_CANARY_ROLLBACK_MARGIN, "0"));
    Topics badTopics = Topics.from(bad);
    applyTopics(bad, badTopics, production);
    AtomicReference<LifecycleReport> firstRefusal = new AtomicReference<>();
    AtomicReference<LifecycleReport> rolledBackOn = new AtomicReference<>();
    AtomicReference<RoutingWeights> rollback = new AtomicReference<>();
    AtomicInteger badJudged = new AtomicInteger();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true);
        Pipeline pipeline = start(bad, dir.resolve("bad"), meters);
        ReplayDriver driver = replayDriver(bad, badTopics, serdes);
        PolicyLifecycle lifecycle = new PolicyLifecycle(bad, dir)) {
      Watching watching =
          Watching.start(
              lifecycle,
              new PolicyLifecycle.WatchListener() {
                @Override
                public void judged(LifecycleReport report) {
                  if (report.promotion().outcome() == Verdict.Outcome.REFUSE) {
                    firstRefusal.compareAndSet(null, report);
                  }
                  assertThat(report.promotion().acts()).isFalse();
                  badJudged.set(report.decisions());
                }

                @Override
                public void canaryRolledBack(LifecycleReport report, RoutingWeights published) {
                  rolledBackOn.set(report);
                  rollback.set(published);
                }
              });
      int sent = 0;
      while ((rollback.get() == null || firstRefusal.get() == null) && sent < MOST_REQUESTS) {
        driver.replay(
            "bad-" + sent,
            SharedRoutingLog.items(rows.subList(sent, sent + SEGMENT)),
            UNREPORTED,
            bucket -> {});
        sent += SEGMENT;
        watching.awaitJudged(
            badJudged, sent, () -> rollback.get() != null && firstRefusal.get() != null);
      }
      watching.stop();
      assertThat(firstRefusal.get()).as("refused within %d requests", MOST_REQUESTS).isNotNull();
      assertThat(rollback.get()).as("rolled back within %d requests", MOST_REQUESTS).isNotNull();
      LifecycleReport refused = firstRefusal.get();
      System.out.printf(
          Locale.ROOT,
          "bad candidate refused after %,d decisions (%,d judged): %s%n",
          refused.decisions(),
          refused.judged(),
          refused.promotion().reason());
      LifecycleReport canary = rolledBackOn.get();
      System.out.printf(
          Locale.ROOT,
          "canary rolled back after %,d decisions (%,d requests sent): %s%n",
          canary.decisions(),
          sent,
          canary.canary().reason());
      canary.lines().forEach(line -> System.out.println("  report at the rollback: " + line));
      assertThat(refused.promotion().reason()).contains("even the upper bound is not above");
      // The canary judged on its own outcomes too, by the same estimator and reward.
      assertThat(canary.canaryOutcomes()).isNotNull();
      assertThat(canary.canaryOutcomes().used())
          .isGreaterThanOrEqualTo(bad.getInt(GatestreamConfig.POLICY_CANARY_MIN_OUTCOMES));
      assertThat(rollback.get().getPolicy()).isEqualTo("worst");
      assertThat(rollback.get().getCanaryShare()).isZero();
      assertThat(rollback.get().getEvidence().getDecidedBy()).isEqualTo("guardrail");
      Await.untilTrue(
          "the router stops the canary",
          CATCH_UP,
          () ->
              meters.get(CandidateRunner.CANARY_SHARE).tag("candidate", "worst").gauge().value()
                  == 0);
      // Bounded: the guardrail acts within this many decisions of a 30% canary this much worse.
      assertThat(canary.decisions()).isLessThanOrEqualTo(ROLLBACK_BOUND);
      long canariesBefore = canaryDecisions(meters);
      driver.replay(
          "after-rollback",
          SharedRoutingLog.items(rows.subList(sent, sent + SEGMENT)),
          UNREPORTED,
          bucket -> {});
      assertThat(canaryDecisions(meters)).isEqualTo(canariesBefore);
    }
  }

  private static long canaryDecisions(SimpleMeterRegistry meters) {
    return (long)
        meters
            .get(CandidateRunner.DECISIONS)
            .tags("candidate", "worst", "kind", "canary")
            .counter()
            .count();
  }

  private static double pipelineMeter(Pipeline pipeline, String shadow) {
    return pipeline.fusionMetrics().shadowResults(shadow);
  }

  /** Every expert that contributed to a fused result of this deployment. */
  private List<String> fusedContributors(
      GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    List<String> contributors = new ArrayList<>();
    dev.gatestream.app.source.TopicRangeReader.read(
        new KafkaClients(config, stack.bootstrapServers()),
        new org.apache.kafka.common.serialization.StringDeserializer(),
        serdes.valueSerde(topics.fusedResults()).deserializer(),
        dev.gatestream.app.source.TopicRange.whole(topics.fusedResults().name()),
        Duration.ofSeconds(30),
        record -> {
          FusedResult fused = record.value();
          if (fused != null) {
            contributors.addAll(fused.getContributors());
          }
        });
    return contributors;
  }

  /** The watch on a thread of its own, as {@code gatestream policy watch} runs it. */
  private record Watching(Thread thread, AtomicBoolean stopped, AtomicReference<Throwable> failed) {
    static Watching start(PolicyLifecycle lifecycle, PolicyLifecycle.WatchListener listener) {
      AtomicBoolean stopped = new AtomicBoolean();
      AtomicReference<Throwable> failed = new AtomicReference<>();
      Thread thread =
          new Thread(
              () -> {
                try {
                  lifecycle.watch(listener, stopped::get);
                } catch (Throwable e) {
                  failed.set(e);
                }
              },
              "policy-watch");
      thread.start();
      return new Watching(thread, stopped, failed);
    }

    /**
     * Waits until the watch has judged the decisions of all but the latest judging interval sent
     * (it judges every policy.watch.every decisions it reads), or until done: so the number of
     * requests a decision takes depends on the evidence, not on how far the watch lags.
     */
    void awaitJudged(AtomicInteger judged, int sent, Await.Condition done) {
      Await.untilTrue(
          "the watch judging the first " + (sent - 2 * SEGMENT) + " decisions",
          CATCH_UP,
          () -> {
            if (failed.get() != null) {
              throw new AssertionError("the watch failed", failed.get());
            }
            return done.test() || judged.get() >= sent - 2 * SEGMENT;
          });
    }

    void stop() throws InterruptedException {
      stopped.set(true);
      thread.join(30_000);
      if (failed.get() != null) {
        throw new AssertionError("the watch failed", failed.get());
      }
    }
  }

  private Pipeline start(GatestreamConfig config, Path home, SimpleMeterRegistry meters) {
    return Pipeline.start(
        config,
        stack.bootstrapServers(),
        stack.registryUrl(),
        ExpertCatalog.load(config, home),
        EnumSet.of(Pipeline.Stage.ROUTER, Pipeline.Stage.FUSION, Pipeline.Stage.EXPERTS),
        home,
        meters);
  }

  private GatestreamConfig config(Path home, List<String> experts, Map<String, String> more) {
    Map<String, String> values = new HashMap<>(more);
    values.put(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("life") + "-");
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, SharedRoutingLog.MODEL7_TEST.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, home.resolve("state").toString());
    values.put(GatestreamConfig.ROUTER_POLICY, "prod");
    values.put(GatestreamConfig.ROUTER_GATE, "softmax-top-k");
    values.put(GatestreamConfig.ROUTER_GATE_K, "1");
    values.put(GatestreamConfig.ROUTER_EXPLORATION, "temperature");
    values.put(GatestreamConfig.ROUTER_EXPLORATION_TEMPERATURE, "1.0");
    values.put(GatestreamConfig.POLICY_PROMOTION_MIN_ESS, "50");
    // 90% intervals: the rule reads the lower bound, one-sided 95%.
    values.put(GatestreamConfig.POLICY_PROMOTION_CONFIDENCE, "0.9");
    values.put(GatestreamConfig.POLICY_WATCH_EVERY, "100");
    return StackDeployment.config(stack, values);
  }

  private void applyTopics(GatestreamConfig config, Topics topics, List<String> experts) {
    KafkaClients clients = new KafkaClients(config, stack.bootstrapServers());
    try (Admin admin = clients.admin(clients.ids().job("lifecycle-it", "admin"))) {
      new TopicApplier(admin, Duration.ofSeconds(30)).apply(topics.all(experts));
    }
  }

  private ReplayDriver replayDriver(GatestreamConfig config, Topics topics, RegistrySerdes serdes) {
    return new ReplayDriver(
        topics,
        serdes,
        new KafkaClients(config, stack.bootstrapServers()),
        ReplayOptions.unpaced(50, Duration.ofSeconds(30), Duration.ZERO, 0.0, 1),
        1000,
        TestNames.unique("life-replay"),
        "prod");
  }

  /** Intervals as the report prints them. */
  private static final class LifecycleReportText {
    static String of(dev.gatestream.contracts.Interval interval) {
      return interval == null
          ? "-"
          : String.format(
              Locale.ROOT,
              "%.4f [%.4f, %.4f]",
              interval.getValue(),
              interval.getLower(),
              interval.getUpper());
    }
  }
}
