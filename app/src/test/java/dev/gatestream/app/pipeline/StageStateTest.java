package dev.gatestream.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class StageStateTest {

  @Test
  void aRebalancingStageIsHealthyAndAnErroredOneStoppedForGood() {
    assertThat(StageState.ofStreams(KafkaStreams.State.REBALANCING, Optional.empty()))
        .isEqualTo(new StageState("REBALANCING", true, false));
    assertThat(
            StageState.ofStreams(
                KafkaStreams.State.ERROR, Optional.of(new IllegalStateException("6 replacements"))))
        .isEqualTo(new StageState("ERROR: 6 replacements", false, true));
    assertThat(StageState.ofStreams(KafkaStreams.State.CREATED, Optional.empty()).terminal())
        .isFalse();
  }

  @Test
  void aDeadWorkerIsForGood() {
    assertThat(StageState.ofWorkers(2, 2))
        .isEqualTo(new StageState("2 of 2 workers alive", true, false));
    assertThat(StageState.ofWorkers(1, 2))
        .isEqualTo(new StageState("1 of 2 workers alive", false, true));
  }

  @Test
  void aRestartingJobIsTransientAndAFailedOneForGood() {
    assertThat(StageState.ofJob(JobStatus.RESTARTING))
        .isEqualTo(new StageState("RESTARTING", false, false));
    assertThat(StageState.ofJob(JobStatus.FAILED).terminal()).isTrue();
    assertThat(StageState.ofJob(JobStatus.RUNNING).healthy()).isTrue();
  }
}
