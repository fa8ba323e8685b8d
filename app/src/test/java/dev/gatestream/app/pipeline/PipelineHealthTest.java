package dev.gatestream.app.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class PipelineHealthTest {

  @Test
  void namesEveryUnhealthyStageAndNothingWhenAllAreWell() {
    Map<String, StageState> states = new LinkedHashMap<>();
    states.put("router", StageState.ofStreams(KafkaStreams.State.RUNNING, Optional.empty()));
    states.put("expert a", StageState.ofWorkers(2, 2));
    assertThat(PipelineHealth.problem(states)).isEmpty();

    states.put("fusion", StageState.ofStreams(KafkaStreams.State.ERROR, Optional.empty()));
    states.put("expert b", StageState.ofWorkers(1, 2));
    assertThat(PipelineHealth.problem(states))
        .contains("fusion: ERROR; expert b: 1 of 2 workers alive");
  }
}
