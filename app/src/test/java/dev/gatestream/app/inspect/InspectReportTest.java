package dev.gatestream.app.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InspectReportTest {

  private static final Event.RecordAt AT = new Event.RecordAt("t-requests", 2, 7, 1_000);

  @Test
  void theStoryCountsFromItsFirstEventAndSaysWhetherAnythingWasFound() {
    InspectReport empty = new InspectReport("r1", null, List.of(), List.of());
    InspectReport story =
        new InspectReport(
            "r1",
            null,
            List.of(
                new Event.Request(AT, "r1", 990, "gsm8k", "hi", 0, Map.of(), 5_990, null, null),
                new Event.Problem(new Event.RecordAt("t-feedback", 2, 0, 1_500), "a tombstone")),
            List.of());

    assertThat(empty.found()).isFalse();
    assertThat(story.found()).isTrue();
    assertThat(story.startMs()).isEqualTo(1_000);
  }

  @Test
  void readByKeyOnlyWhenEveryPartitionedTopicWasNarrowed() {
    TopicRead narrowed =
        new TopicRead("t-requests", TopicRole.REQUESTS, true, List.of(2), 4, true, null, 10, 1, 3);
    TopicRead single =
        new TopicRead("replies", TopicRole.REPLIES, true, List.of(0), 1, false, null, 1, 1, 2);
    TopicRead all =
        new TopicRead(
            "t-feedback",
            TopicRole.FEEDBACK,
            true,
            List.of(0, 1, 2, 3, 4),
            5,
            false,
            "it has 5 partitions where the catalogue says 4",
            10,
            0,
            3);

    assertThat(
            new InspectReport(
                    "r1",
                    null,
                    List.of(),
                    List.of(narrowed, single, TopicRead.missing("x", TopicRole.TASKS)))
                .readByKey())
        .isTrue();
    assertThat(new InspectReport("r1", null, List.of(), List.of(narrowed, all)).readByKey())
        .isFalse();
  }

  @Test
  void eventsCarryTheirKindInJson() throws Exception {
    InspectReport report =
        new InspectReport(
            "r1",
            Instant.parse("2026-11-25T08:00:00Z"),
            List.of(
                new Event.Request(AT, "r1", 990, "gsm8k", "hi", 0, Map.of(), 5_990, null, null),
                new Event.DeadLetter(
                    AT, "router", "deadline passed", "t-requests", 2, 7L, 1_200, false)),
            List.of());

    JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(report));

    assertThat(json.get("requestId").asText()).isEqualTo("r1");
    assertThat(json.get("since").asText()).isEqualTo("2026-11-25T08:00:00Z");
    assertThat(json.get("events").get(0).get("kind").asText()).isEqualTo("request");
    assertThat(json.get("events").get(0).get("at").get("partition").asInt()).isEqualTo(2);
    assertThat(json.get("events").get(1).get("kind").asText()).isEqualTo("dead-letter");
    assertThat(json.get("events").get(1).get("reason").asText()).isEqualTo("deadline passed");
  }
}
