package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.replay.Demo;
import dev.gatestream.app.replay.ReplayListener;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.app.replay.ReplaySettings;
import dev.gatestream.app.replay.ReplaySources;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay job on the real broker and registry: the demo end to end on its bundled slice, a sweep
 * tracing the cost-quality frontier, recorded requests replayed from their topic, and logs sharing
 * ids. Every run's work directory goes into the test's scratch directory, which must be empty
 * afterwards.
 */
@ExtendWith(GatestreamStackExtension.class)
class ReplayIT {

  private static final String MIXTRAL = Demo.MIXTRAL;
  private static final String GPT4 = Demo.GPT4;
  private static final Path HOME =
      Path.of(System.getProperty("gatestream.home", "..")).toAbsolutePath().normalize();
  private static final Path DEMO = HOME.resolve("examples/demo");

  private final StackEndpoints stack;

  ReplayIT(StackEndpoints stack) {
    this.stack = stack;
  }

  private ReplayReport replay(
      Deployment deployment,
      ReplaySettings settings,
      List<? extends ReplayRun.Source> sources,
      ReplayListener listener) {
    try (Admin admin = deployment.connectedAdmin()) {
      return new ReplayRun(deployment, admin, settings, HOME, listener).run(sources);
    }
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void demoReplaysTheBundledSliceWithOnlineLearning(@TempDir Path scratch) throws Exception {
    Deployment deployment = StackDeployment.of(stack, Map.of(), HOME);

    ReplayReport report =
        new Demo(deployment, HOME, scratch, new PrintedProgress())
            .run(Demo.logs(HOME, Demo.DEFAULT_SEED), Demo.DEFAULT_SEED);

    ReplayReport.Segment train = report.segments().get(0);
    ReplayReport.Segment test = report.segments().get(1);
    assertThat(train.name()).isEqualTo("train");
    assertThat(test.name()).isEqualTo("test (held out)");
    assertThat(train.requests()).isEqualTo(525);
    assertThat(test.requests()).isEqualTo(175);
    assertThat(test.completeness()).containsEntry("COMPLETE", 175L);
    // The demo's window of 5: its weights trail the feedback by about what is in flight, and the
    // report says so.
    for (ReplayReport.Segment segment : List.of(train, test)) {
      assertThat(segment.pace().requestsPerSecond()).isPositive();
      assertThat(segment.pace().largestWindow()).isEqualTo(5);
      assertThat(segment.pace().maxExamplesBehind()).isPositive();
      assertThat(segment.pace().meanExamplesBehind())
          .isBetween(0.0, (double) segment.pace().maxExamplesBehind());
    }
    // Learned weights were in use on the held-out rows.
    assertThat(test.buckets())
        .allSatisfy(bucket -> assertThat(bucket.policyVersion()).isPositive());
    // One expert per request at the configured prices: the cost is the share-weighted price.
    for (ReplayReport.Segment segment : List.of(train, test)) {
      double expected =
          0.0006 * segment.share().getOrDefault(MIXTRAL, 0.0)
              + 0.03 * segment.share().getOrDefault(GPT4, 0.0);
      assertThat(segment.cost()).isCloseTo(expected, within(1e-9));
      assertThat(segment.baselines().singleExperts().get(GPT4).cost())
          .isCloseTo(0.03, within(1e-12));
      assertThat(segment.quality())
          .isBetween(
              segment.baselines().uniformRandom().quality() - 0.1,
              segment.baselines().oracle().quality());
    }
    assertThat(scratch).isEmptyDirectory();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aSweepOfTheCostWeightTracesTheFrontier(@TempDir Path scratch) throws Exception {
    Deployment deployment = StackDeployment.of(stack, Map.of(), HOME);
    ReplayRun.Log log =
        ReplaySources.log(
            DEMO.resolve("routellm-train.csv"), "routellm-train.csv", 3L, 200, OnRepeat.SKIP);
    // Few requests in flight and fresh weights, so that 200 rows are routed by what was learned
    // rather than by the prior.
    ReplayOptions paced =
        new ReplayOptions(0, false, 1, 10, ReplayOptions.DEADLINE, Duration.ZERO, 0, 3, 20);
    ReplaySettings settings =
        new ReplaySettings(
            paced,
            ReplaySettings.DEFAULT_BUCKET,
            Map.of(
                GatestreamConfig.ROUTER_GATE,
                "success-predictor",
                GatestreamConfig.EXPERTS_PRICES,
                MIXTRAL + "=0.0006," + GPT4 + "=0.03"),
            ReplaySettings.Sweep.parse("router.gate.lambda=0,20"),
            false,
            scratch);
    List<ReplayListener.RunStarted> runs = new ArrayList<>();

    ReplayReport report =
        replay(
            deployment,
            settings,
            List.of(log),
            new ReplayListener() {
              @Override
              public void runStarted(RunStarted run) {
                runs.add(run);
              }
            });

    assertThat(runs)
        .containsExactly(
            new ReplayListener.RunStarted("router.gate.lambda", "0"),
            new ReplayListener.RunStarted("router.gate.lambda", "20"));
    assertThat(report.sweep()).hasSize(2);
    assertThat(report.sweep())
        .extracting(ReplayReport.SweepPoint::value)
        .containsExactly("0", "20");
    assertThat(report.segments()).isEqualTo(report.sweep().get(1).segments());
    double free = report.sweep().get(0).segments().get(0).cost();
    double costly = report.sweep().get(1).segments().get(0).cost();
    // Weighing price at 20 quality units per dollar, GPT-4 must be predicted 0.59 more likely
    // right.
    assertThat(costly).isLessThan(free);
    assertThat(scratch).isEmptyDirectory();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void recordedRequestsReplayFromTheirTopicAtTheirOriginalTiming(@TempDir Path scratch)
      throws Exception {
    Path log = DEMO.resolve("routellm-test.csv");
    Deployment recordingDeployment = StackDeployment.of(stack, Map.of(), HOME);
    List<String> kept = new ArrayList<>();
    ReplayReport recording =
        replay(
            recordingDeployment,
            new ReplaySettings(
                ReplayOptions.defaults(1),
                ReplaySettings.DEFAULT_BUCKET,
                Map.of(),
                null,
                true,
                scratch),
            List.of(ReplaySources.log(log, "routellm-test.csv", null, 120, OnRepeat.SKIP)),
            new ReplayListener() {
              @Override
              public void topicsKept(TopicsKept topics) {
                kept.add(topics.topicPrefix());
              }
            });
    assertThat(kept).hasSize(1);
    String prefix = kept.get(0);
    double recordedQuality = recording.segments().get(0).quality();

    Deployment deployment =
        StackDeployment.of(
            stack,
            Map.of(
                GatestreamConfig.EXPERTS,
                MIXTRAL + "," + GPT4,
                GatestreamConfig.EXPERTS_REPLAY_LOG,
                log.toString()),
            HOME);
    ReplayRun.Recorded recorded =
        ReplaySources.recorded(
            deployment, "kafka:" + prefix + "requests", "kafka:" + prefix + "feedback");
    assertThat(recorded.requests()).hasSize(120);
    assertThat(recorded.withFeedback()).isEqualTo(120);
    ReplayOptions originalTiming =
        new ReplayOptions(
            0,
            true,
            4,
            ReplayOptions.DEFAULT_WINDOW,
            ReplayOptions.DEADLINE,
            Duration.ZERO,
            0,
            1,
            ReplayOptions.DEFAULT_MAX_LEARNING_LAG);
    ReplayReport replayed =
        replay(
            deployment,
            new ReplaySettings(
                originalTiming, ReplaySettings.DEFAULT_BUCKET, Map.of(), null, false, scratch),
            List.of(recorded),
            new PrintedProgress());

    ReplayReport.Segment segment = replayed.segments().get(0);
    assertThat(segment.name()).isEqualTo(recorded.name());
    assertThat(segment.requests()).isEqualTo(120);
    assertThat(segment.rated()).isEqualTo(120);
    // The recorded deployment's quality is the mean reward of its feedback: the first run's
    // quality.
    assertThat(segment.baselines().recorded().quality()).isCloseTo(recordedQuality, within(1e-9));
    assertThat(scratch).isEmptyDirectory();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void logsSharingIdsReplayInOneRunEachRequestAnsweredFromItsOwnLog(@TempDir Path dir)
      throws Exception {
    // The same ids in both logs, every expert right in train and wrong in test: a request answered
    // from the
    // other log's row would show in the segment's quality. q0 repeats in train, its second row
    // wrong.
    StringBuilder train = new StringBuilder("id,prompt,task,a,b\n");
    StringBuilder test = new StringBuilder("id,prompt,task,a,b\n");
    for (int i = 0; i < 40; i++) {
      train
          .append("q")
          .append(i)
          .append(",question number ")
          .append(i)
          .append(",t")
          .append(i % 2)
          .append(",1,1\n");
      test.append("q")
          .append(i)
          .append(",question number ")
          .append(i)
          .append(",t")
          .append(i % 2)
          .append(",0,0\n");
    }
    train.append("q0,question number 0,t0,0,0\n");
    Path trainLog = Files.writeString(dir.resolve("train.csv"), train);
    Path testLog = Files.writeString(dir.resolve("test.csv"), test);
    Path scratch = Files.createDirectory(dir.resolve("scratch"));
    Deployment deployment = StackDeployment.of(stack, Map.of(), HOME);
    ReplaySettings settings =
        new ReplaySettings(
            ReplayOptions.defaults(1),
            20,
            Map.of(
                GatestreamConfig.EXPERTS_PRICES,
                "a=0.001,b=0.003",
                GatestreamConfig.ROUTER_SPEND_TARGET,
                "0.002"),
            null,
            false,
            scratch);

    ReplayReport report =
        replay(
            deployment,
            settings,
            List.of(
                ReplaySources.log(trainLog, "train.csv", null, null, OnRepeat.SKIP),
                ReplaySources.log(testLog, "test.csv", null, null, OnRepeat.SKIP)),
            new PrintedProgress());

    List<ReplayReport.Segment> segments = report.segments();
    assertThat(segments.get(0).requests()).isEqualTo(40);
    assertThat(segments.get(0).duplicatesSkipped()).isEqualTo(1);
    assertThat(segments.get(0).quality()).isEqualTo(1.0);
    assertThat(segments.get(1).quality()).isEqualTo(0.0);
    assertThat(segments.get(0).baselines().offline().inSample()).isTrue();
    assertThat(segments.get(1).baselines().offline().fittedOn()).isEqualTo("train.csv");
    assertThat(segments.get(1).baselines().offline().knn().quality()).isEqualTo(0.0);
    assertThat(segments.get(1).spend().target()).isEqualTo(0.002);
    // Every expert scores 0 on the test log: routed above the cheapest expert's price, the run is
    // dominated by it; routed to it alone (the learner may settle there within 40 requests), it is
    // not.
    if (segments.get(1).cost() > 0.001 + 1e-9) {
      assertThat(segments.get(1).dominatedBy()).isNotNull();
    } else {
      assertThat(segments.get(1).dominatedBy()).isNull();
    }
    assertThat(scratch).isEmptyDirectory();
  }
}
