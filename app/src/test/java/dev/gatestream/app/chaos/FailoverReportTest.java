package dev.gatestream.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverReportTest {

  private static FailoverReport.Phase phase(int node, int lost, int duplicated) {
    return new FailoverReport.Phase(
        BrokerFailoverRun.CONTROLLER_LEADER,
        node,
        1,
        100,
        lost,
        duplicated,
        new OutputPause(Optional.of(Duration.ofMillis(250)), Duration.ofMillis(5500)),
        Duration.ofSeconds(20),
        Duration.ofSeconds(9),
        Optional.empty(),
        Duration.ofSeconds(40));
  }

  @Test
  void totalsAddThePhasesUp() {
    FailoverReport report =
        new FailoverReport(List.of(phase(3, 0, 2), phase(2, 1, 0)), Duration.ofSeconds(95));

    assertThat(report.requests()).isEqualTo(200);
    assertThat(report.lost()).isEqualTo(1);
    assertThat(report.duplicated()).isEqualTo(2);
    assertThat(report.lines())
        .hasSize(3)
        .last()
        .isEqualTo("total: 200 requests, lost 1, duplicated 2, in 95.0s");
  }

  @Test
  void aPhaseLineNamesTheVictimAndThePause() {
    assertThat(phase(2, 0, 0).line())
        .isEqualTo(
            "kill -9 broker 2 (controller leader): 100 requests in 40.0s, lost 0, duplicated 0;"
                + " fused output next 0.25s after the kill, longest pause 5.5s in the 20.0s it"
                + " was down; back in 9.0s; controller leader then 1");
  }
}
