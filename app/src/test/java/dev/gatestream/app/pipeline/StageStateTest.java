package dev.gatestream.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.experts.WorkerSupervisor;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.common.KafkaException;
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
  void aWorkerWaitingToRestartIsTransientAndOneWhoseRestartsAreSpentForGood() {
    WorkerSupervisor.Status running = new WorkerSupervisor.Status(true, 0, Optional.empty(), false);
    WorkerSupervisor.Status restarting =
        new WorkerSupervisor.Status(false, 1, Optional.of(new KafkaException("timed out")), false);
    WorkerSupervisor.Status failed =
        new WorkerSupervisor.Status(false, 5, Optional.of(new KafkaException("timed out")), true);

    assertThat(StageState.ofWorkers(List.of(running, running)))
        .isEqualTo(new StageState("2 of 2 workers running", true, false));
    assertThat(StageState.ofWorkers(List.of(running, restarting)))
        .isEqualTo(new StageState("1 of 2 workers running, 1 restart", false, false));
    assertThat(StageState.ofWorkers(List.of(running, failed)))
        .isEqualTo(
            new StageState("1 of 2 workers running, 5 restarts, 1 failed: timed out", false, true));
  }

  @Test
  void aRestartingJobIsTransientAndAFailedOneForGood() {
    assertThat(StageState.ofJob(JobStatus.RESTARTING))
        .isEqualTo(new StageState("RESTARTING", false, false));
    assertThat(StageState.ofJob(JobStatus.FAILED).terminal()).isTrue();
    assertThat(StageState.ofJob(JobStatus.RUNNING).healthy()).isTrue();
  }
}
