package dev.gatestream.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.experts.WorkerSupervisor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class PipelineHealthTest {

  private static final WorkerSupervisor.Status RUNNING =
      new WorkerSupervisor.Status(true, 0, Optional.empty(), false);
  private static final WorkerSupervisor.Status RESTARTING =
      new WorkerSupervisor.Status(false, 1, Optional.empty(), false);

  @Test
  void namesEveryUnhealthyStageAndNothingWhenAllAreWell() {
    Map<String, StageState> states = new LinkedHashMap<>();
    states.put("router", StageState.ofStreams(KafkaStreams.State.RUNNING, Optional.empty()));
    states.put("expert a", StageState.ofWorkers(List.of(RUNNING, RUNNING)));
    assertThat(PipelineHealth.problem(states)).isEmpty();

    states.put("fusion", StageState.ofStreams(KafkaStreams.State.ERROR, Optional.empty()));
    states.put("expert b", StageState.ofWorkers(List.of(RUNNING, RESTARTING)));
    assertThat(PipelineHealth.problem(states))
        .contains("fusion: ERROR; expert b: 1 of 2 workers running, 1 restart");
  }
}
