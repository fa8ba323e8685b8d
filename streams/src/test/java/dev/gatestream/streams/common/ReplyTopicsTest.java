package dev.gatestream.streams.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.GatestreamConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyTopicsTest {

  private static ReplyTopics replyTopics(Map<String, String> settings) {
    java.util.Map<String, String> values = new java.util.HashMap<>(settings);
    values.put(GatestreamConfig.TOPIC_PREFIX, "t-");
    return ReplyTopics.from(new GatestreamConfig(values), topic -> !topic.contains("gone"));
  }

  @Test
  void byDefaultTheGatewaysTheScoringRunsAndClientsReplyTopicsUnderThePrefixAreAllowed() {
    ReplyTopics topics = replyTopics(Map.of());

    assertThat(topics.problem("t-replies-gw-1a2b")).isEmpty();
    assertThat(topics.problem("t-score-run7")).isEmpty();
    assertThat(topics.problem("t-reply-my-client")).isEmpty();
    assertThat(topics.problem("t-reply-")).as("a name after the dash").isPresent();
    assertThat(topics.problem("other-replies-gw"))
        .get()
        .asString()
        .contains("is not an allowed reply topic");
    assertThat(topics.problem("t-replies-gone"))
        .contains("replyTo 't-replies-gone' does not exist");
    assertThat(topics.problem(" ")).contains("replyTo is empty");
  }

  @Test
  void ourOwnTopicsAreRefusedWhateverThePatternAllows() {
    ReplyTopics topics = replyTopics(Map.of(GatestreamConfig.ROUTER_REPLY_TO_PATTERN, ".*"));

    assertThat(topics.problem("anything")).isEmpty();
    for (String own :
        new String[] {
          "t-requests",
          "t-decisions",
          "t-expert-results",
          "t-fused-results",
          "t-feedback",
          "t-routing-weights",
          "t-dead-letters",
          "t-expert-tasks-meta_2Fllama",
          "t-fusion-fusion-pending-changelog",
          "t-router-KSTREAM-x-repartition"
        }) {
      assertThat(topics.problem(own))
          .as(own)
          .contains("replyTo '" + own + "' is one of Gatestream's own topics");
    }
  }

  @Test
  void listedTopicsAreAllowedByName() {
    ReplyTopics topics =
        replyTopics(Map.of(GatestreamConfig.ROUTER_REPLY_TO_TOPICS, "client-inbox,orders.replies"));

    assertThat(topics.problem("client-inbox")).isEmpty();
    assertThat(topics.problem("orders.replies")).isEmpty();
    assertThat(topics.problem("orders-replies")).isPresent();
  }
}
