package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.chaos.ChaosReport;
import dev.gatestream.app.chaos.ChaosRun;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.SharedData;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kill -9 fault run on the real broker and registry: router, fusion, two replay experts and the
 * adaptation job as processes of their own, each of router, one expert, fusion and the adaptation
 * job killed once and restarted amid logged traffic.
 */
@ExtendWith(GatestreamStackExtension.class)
class ChaosIT {

  private static final int REQUESTS = 3_000;

  /**
   * The target: a killed stage processes again within this of its restart. Asserted from the moment
   * the restarted stage runs (rejoining its group, taking over its partitions and transactions),
   * which static membership governs; the JVM's start before it depends on the machine, and is
   * printed.
   */
  private static final Duration RECOVERY_TARGET = Duration.ofSeconds(15);

  private final StackEndpoints stack;

  ChaosIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void killedStagesLoseNothingDuplicateNothingAndProcessAgainSoonAfterTheirRestart(
      @TempDir Path dir) throws Exception {
    Path log = SharedData.require(SharedRoutingLog.MODEL7_TRAIN);
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(null, Map.of(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("chaos") + "-"));

    ChaosReport report =
        new ChaosRun(
                config,
                stack.bootstrapServers(),
                stack.registryUrl(),
                Path.of(System.getProperty("gatestream.home", ".")),
                new ChaosRun.Options(
                    REQUESTS,
                    60,
                    200,
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(90),
                    42),
                Clock.systemUTC(),
                System.out::println)
            .run(log, dir);
    report.lines().forEach(System.out::println);

    assertThat(report.replayFailure()).isEmpty();
    assertThat(report.requests()).isEqualTo(REQUESTS);
    assertThat(report.lost()).as("lost").isZero();
    assertThat(report.duplicated()).as("duplicated").isZero();
    assertThat(report.answeredButIncomplete())
        .as("answered by their experts, yet incomplete")
        .isEmpty();
    assertThat(report.feedbackSent()).isPositive();
    assertThat(report.examplesLearned()).as("examples learned").isEqualTo(report.feedbackSent());
    assertThat(report.recoveries())
        .extracting(ChaosReport.Recovery::stage)
        .hasSize(4)
        .contains("router", "fusion", "adaptation")
        .anySatisfy(stage -> assertThat(stage).startsWith("expert "));
    assertThat(report.recoveries())
        .allSatisfy(
            recovery ->
                assertThat(recovery.processing())
                    .as("%s processing again once it runs", recovery.stage())
                    .hasValueSatisfying(
                        at ->
                            assertThat(Duration.between(recovery.ready(), at))
                                .isLessThanOrEqualTo(RECOVERY_TARGET)));
    assertThat(report.passed()).isTrue();
  }
}
