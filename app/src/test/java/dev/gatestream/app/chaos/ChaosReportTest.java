package dev.gatestream.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChaosReportTest {

  private static final Instant KILLED = Instant.parse("2026-12-02T01:00:00Z");

  private static ChaosReport.Recovery recovery(String stage, Optional<Instant> processing) {
    return new ChaosReport.Recovery(
        stage, KILLED, KILLED.plusSeconds(2), KILLED.plusSeconds(6), processing);
  }

  private static ChaosReport report(
      int lost, List<String> incomplete, long examples, ChaosReport.Recovery recovery) {
    return new ChaosReport(
        100,
        lost,
        0,
        incomplete,
        Map.of("COMPLETE", 100 - lost),
        90,
        examples,
        0,
        List.of(recovery),
        Optional.empty(),
        Duration.ofSeconds(70));
  }

  @Test
  void timesARecoveryFromTheRestartAndTheOutageFromTheKill() {
    ChaosReport.Recovery recovery = recovery("router", Optional.of(KILLED.plusMillis(9_500)));

    assertThat(recovery.sinceRestart()).contains(Duration.ofMillis(7_500));
    assertThat(recovery.outage()).contains(Duration.ofMillis(9_500));
    assertThat(recovery.startup()).isEqualTo(Duration.ofSeconds(4));
    assertThat(report(0, List.of(), 90, recovery).lines())
        .contains(
            "kill -9 router                 restarted after 2.0s, stage up in 4.0s, processing"
                + " again 7.5s after its restart (outage 9.5s)")
        .last()
        .isEqualTo("chaos run PASSED");
  }

  @Test
  void anyLossWrongTimeoutLearningGapOrStageThatNeverCameBackFailsTheRun() {
    ChaosReport.Recovery back = recovery("fusion", Optional.of(KILLED.plusSeconds(5)));

    assertThat(report(0, List.of(), 90, back).passed()).isTrue();
    assertThat(report(1, List.of(), 90, back).passed()).isFalse();
    assertThat(report(0, List.of("r7"), 90, back).passed()).isFalse();
    assertThat(report(0, List.of(), 89, back).passed()).isFalse();
    ChaosReport never = report(0, List.of(), 90, recovery("adaptation", Optional.empty()));
    assertThat(never.passed()).isFalse();
    assertThat(never.lines()).anyMatch(line -> line.endsWith("processing again NEVER"));
  }
}
