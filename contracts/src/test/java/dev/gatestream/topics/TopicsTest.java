package dev.gatestream.topics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.RoutingWeights;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopicsTest {

  private final Topics topics = new Topics("gs-", 6, (short) 3);

  @Test
  void namesCarryThePrefixAndAreUnique() {
    List<TopicSpec<?, ?>> all = topics.all(List.of("meta/llama-2-70b-chat", "gpt-4-1106-preview"));
    assertThat(all)
        .extracting(TopicSpec::name)
        .allMatch(name -> name.startsWith("gs-"))
        .doesNotHaveDuplicates()
        .contains("gs-requests", "gs-expert-tasks-meta_2Fllama-2-70b-chat", "gs-routing-weights");
  }

  @Test
  void routingWeightsAreCompactedInOnePartition() {
    TopicSpec<String, RoutingWeights> weights = topics.routingWeights();
    assertThat(weights.cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
    assertThat(weights.partitions()).isEqualTo(1);
    assertThat(weights.replication()).isEqualTo((short) 3);
    assertThat(weights.valueType()).isEqualTo(RoutingWeights.class);
  }

  @Test
  void dataTopicsUseConfiguredPartitionsAndDelete() {
    assertThat(topics.requests().partitions()).isEqualTo(6);
    assertThat(topics.requests().cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
    assertThat(topics.requests().valueSubject()).isEqualTo("gs-requests-value");
  }

  @Test
  void taskTopicsMapBackToTheirExpert() {
    TopicSpec<String, ExpertTask> tasks = topics.expertTasks("mistralai/Mixtral-8x7B");
    assertThat(topics.expertOfTaskTopic(tasks.name())).contains("mistralai/Mixtral-8x7B");
    assertThat(topics.expertOfTaskTopic("gs-requests")).isEmpty();
    assertThat(topics.expertOfTaskTopic("other-expert-tasks-x")).isEmpty();
  }
}
