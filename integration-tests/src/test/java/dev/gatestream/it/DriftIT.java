package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.app.replay.ReplaySettings;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift on live Kafka under the default policy (the bandit gate over the ridge learner, decaying ε
 * on top): the best expert degrades mid-replay and the loop (router, replay experts, fusion, the
 * Flink job learning from feedback, the router hot-swapping its weights) moves its traffic away
 * within a bounded number of requests. The two logs replay in one run, so what was learned before
 * the drift carries over.
 */
@ExtendWith(GatestreamStackExtension.class)
class DriftIT {

  private static final String ALPHA = "alpha";
  private static final List<String> EXPERTS = List.of(ALPHA, "beta", "gamma");

  /** Each expert's chance of a right answer before the drift; from it on alpha's drops to 0.1. */
  private static final double[] BEFORE = {0.9, 0.6, 0.4};

  private static final double[] AFTER = {0.1, 0.6, 0.4};
  private static final int BEFORE_ROWS = 2_000;
  private static final int AFTER_ROWS = 1_500;
  private static final int BUCKET = 50;

  /**
   * Alpha has lost its traffic once it has less than this share of LOST_WINDOWS windows in a row,
   * and keeps less than STAYS_UNDER of the rest: a single window may be luck.
   */
  private static final double LOST_SHARE = 0.2;

  private static final int LOST_WINDOWS = 4;
  private static final double STAYS_UNDER = 0.15;

  /** Measured 350, 450 and 450 requests in three runs (see the printed figure): over twice that. */
  private static final int DRIFT_BOUND = 1_000;

  private final StackEndpoints stack;

  DriftIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void anExpertThatDegradesMidReplayLosesItsTrafficWithinABoundedNumberOfRequests(@TempDir Path dir)
      throws Exception {
    Random random = new Random(11);
    ReplayRun.Log before =
        log(dir.resolve("before.csv"), "before drift", BEFORE, BEFORE_ROWS, random);
    ReplayRun.Log after = log(dir.resolve("after.csv"), "after drift", AFTER, AFTER_ROWS, random);
    // The default gate, learner and exploration; only the publication cadence is shortened, as the
    // demo does.
    Deployment deployment =
        StackDeployment.of(
            stack,
            Map.of(
                GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "20",
                GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "200"),
            dir);
    // Few requests in flight, so that decisions see weights learned from the outcomes just before
    // them.
    ReplayOptions options = ReplayOptions.unpaced(5, Duration.ofSeconds(30), Duration.ZERO, 0, 1);

    List<ReplayReport.Segment> segments;
    try (Admin admin = deployment.connectedAdmin()) {
      // Each run has topics (and so application ids and groups) of its own, deleted afterwards.
      segments =
          new ReplayRun(
                  deployment,
                  admin,
                  new ReplaySettings(options, BUCKET, Map.of(), null, false, dir),
                  dir,
                  new PrintedProgress())
              .run(List.of(before, after))
              .segments();
    }

    List<ReplayReport.Bucket> learned = segments.get(0).buckets();
    double alphaBefore = share(learned.subList(learned.size() / 2, learned.size()));
    List<ReplayReport.Bucket> drifted = segments.get(1).buckets();
    int lost = lostAt(drifted);
    int lostAt = lost < 0 ? -1 : drifted.get(lost).fromRequest();
    double alphaAfter = lost < 0 ? Double.NaN : share(drifted.subList(lost, drifted.size()));
    System.out.println(
        "alpha's share per window of "
            + BUCKET
            + " after the drift: "
            + drifted.stream()
                .map(bucket -> String.format("%.2f", bucket.share().getOrDefault(ALPHA, 0.0)))
                .toList());
    System.out.printf(
        "alpha's share over the second half before the drift %.3f; under %.0f%% of %d requests"
            + " from request %d after the drift; its share from there to the end %.3f%n",
        alphaBefore, LOST_SHARE * 100, LOST_WINDOWS * BUCKET, lostAt, alphaAfter);

    assertThat(alphaBefore).as("alpha's share once learned, before the drift").isGreaterThan(0.7);
    assertThat(lostAt)
        .as("requests after the drift until alpha lost its traffic")
        .isBetween(0, DRIFT_BOUND);
    assertThat(alphaAfter).as("alpha's share from then on").isLessThan(STAYS_UNDER);
  }

  /**
   * A wide routing log of made-up rows, each expert right (1) or wrong (0) with its chance; tasks
   * and prompts vary so that the default features (task, hashed text, length) are not constant. A
   * prompt's number is drawn, not the row's: numbered in order, the drifted rows reached new
   * character n-grams late (" 11" at row 1,100), whose offsets still held alpha's quality from
   * before the drift, and alpha won windows back there (two thirds of one in a measured run).
   */
  private static ReplayRun.Log log(
      Path file, String name, double[] chances, int rows, Random random) throws IOException {
    String prefix = file.getFileName().toString().replace(".csv", "-");
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write("id,prompt,task," + String.join(",", EXPERTS) + "\n");
      for (int i = 0; i < rows; i++) {
        StringBuilder row =
            new StringBuilder(prefix)
                .append(i)
                .append(
                    String.format(",question number %04d,task-%d", random.nextInt(10_000), i % 5));
        for (double chance : chances) {
          row.append(',').append(random.nextDouble() < chance ? 1 : 0);
        }
        out.write(row.append('\n').toString());
      }
    }
    try (WideRoutingLog routingLog = WideRoutingLog.open(file)) {
      return new ReplayRun.Log(name, file, routingLog.experts(), routingLog.rows().toList(), 0);
    }
  }

  /** Alpha's share of the requests of these buckets. */
  private static double share(List<ReplayReport.Bucket> buckets) {
    double alpha = 0;
    int requests = 0;
    for (ReplayReport.Bucket bucket : buckets) {
      alpha += bucket.share().getOrDefault(ALPHA, 0.0) * bucket.requests();
      requests += bucket.requests();
    }
    return alpha / requests;
  }

  /**
   * The first bucket from which alpha has less than LOST_SHARE of the next LOST_WINDOWS buckets; -1
   * if none.
   */
  private static int lostAt(List<ReplayReport.Bucket> buckets) {
    for (int i = 0; i + LOST_WINDOWS <= buckets.size(); i++) {
      if (share(buckets.subList(i, i + LOST_WINDOWS)) < LOST_SHARE) {
        return i;
      }
    }
    return -1;
  }
}
