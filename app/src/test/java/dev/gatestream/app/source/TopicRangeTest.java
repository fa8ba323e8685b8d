package dev.gatestream.app.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.source.TopicRange.AtOffset;
import dev.gatestream.app.source.TopicRange.AtTime;
import dev.gatestream.app.source.TopicRange.Bound;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TopicRangeTest {

  @Test
  void wholeTopic() {
    assertThat(TopicRange.parse("kafka:gatestream-decisions"))
        .isEqualTo(new TopicRange("gatestream-decisions", Bound.OPEN, Bound.OPEN));
  }

  @Test
  void offsetsAndOpenEnds() {
    assertThat(TopicRange.parse("kafka:t@10..250"))
        .isEqualTo(new TopicRange("t", new AtOffset(10), new AtOffset(250)));
    assertThat(TopicRange.parse("kafka:t@10.."))
        .isEqualTo(new TopicRange("t", new AtOffset(10), Bound.OPEN));
    assertThat(TopicRange.parse("kafka:t@..250"))
        .isEqualTo(new TopicRange("t", Bound.OPEN, new AtOffset(250)));
    assertThat(TopicRange.parse("kafka:t@..")).isEqualTo(TopicRange.whole("t"));
  }

  @Test
  void timesWithZoneWithoutZoneAndDates() {
    Instant eight = Instant.parse("2026-11-25T08:00:00Z");
    assertThat(TopicRange.parse("kafka:t@2026-11-25T08:00:00Z..").from())
        .isEqualTo(new AtTime(eight));
    assertThat(TopicRange.parse("kafka:t@2026-11-25T08:00..").from()).isEqualTo(new AtTime(eight));
    assertThat(TopicRange.parse("kafka:t@2026-11-25T09:00:00+01:00..").from())
        .isEqualTo(new AtTime(eight));
    assertThat(TopicRange.parse("kafka:t@..2026-11-26").to())
        .isEqualTo(new AtTime(Instant.parse("2026-11-26T00:00:00Z")));
    assertThat(TopicRange.parse("kafka:t@5..2026-11-26T00:00:00Z"))
        .isEqualTo(
            new TopicRange(
                "t", new AtOffset(5), new AtTime(Instant.parse("2026-11-26T00:00:00Z"))));
  }

  @Test
  void printsAsItParses() {
    for (String spec :
        List.of(
            "kafka:t", "kafka:t@3..", "kafka:t@..9", "kafka:a.b_c-d@2026-11-25T08:00:00Z..12")) {
      assertThat(TopicRange.parse(spec).toString()).isEqualTo(spec);
    }
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    assertThatThrownBy(() -> TopicRange.parse("decisions"))
        .hasMessage(
            "'decisions' is not a topic range: expected kafka:TOPIC or kafka:TOPIC@FROM..TO");
    assertThatThrownBy(() -> TopicRange.parse("kafka:"))
        .hasMessage("'' in kafka: is not a Kafka topic name");
    assertThatThrownBy(() -> TopicRange.parse("kafka:a b@1..2"))
        .hasMessage("'a b' in kafka:a b@1..2 is not a Kafka topic name");
    assertThatThrownBy(() -> TopicRange.parse("kafka:t@5"))
        .hasMessage("range '5' in kafka:t@5 is not FROM..TO (either may be empty: FROM.. or ..TO)");
    assertThatThrownBy(() -> TopicRange.parse("kafka:t@yesterday.."))
        .hasMessage(
            "'yesterday' in kafka:t@yesterday.. is neither an offset nor an ISO-8601 time like 2026-11-25T08:00:00Z");
    assertThatThrownBy(() -> TopicRange.parse("kafka:t@-3..")).hasMessageContaining("'-3'");
    assertThatThrownBy(() -> TopicRange.parse("kafka:t@99999999999999999999.."))
        .hasMessage("offset 99999999999999999999 in kafka:t@99999999999999999999.. is too large");
  }

  @Test
  void fromAfterToIsRefused() {
    assertThatThrownBy(() -> TopicRange.parse("kafka:t@20..10"))
        .hasMessage("range of t starts at offset 20, after its end 10");
    assertThatThrownBy(() -> TopicRange.parse("kafka:t@2026-11-26..2026-11-25"))
        .hasMessage(
            "range of t starts at 2026-11-26T00:00:00Z, after its end 2026-11-25T00:00:00Z");
  }

  @Test
  void resolvesToOffsetsWithinEachPartition() {
    MockConsumer<String, String> consumer = consumer();
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);

    assertThat(TopicRange.parse("kafka:t").resolve(consumer, Duration.ofSeconds(1)))
        .containsExactly(
            Map.entry(p0, new OffsetSpan(5, 100)), Map.entry(p1, new OffsetSpan(0, 40)));
    // Offsets are clamped to what each partition holds.
    assertThat(TopicRange.parse("kafka:t@10..60").resolve(consumer, Duration.ofSeconds(1)))
        .containsExactly(
            Map.entry(p0, new OffsetSpan(10, 60)), Map.entry(p1, new OffsetSpan(10, 40)));
    assertThat(TopicRange.parse("kafka:t@..3").resolve(consumer, Duration.ofSeconds(1)))
        .containsExactly(Map.entry(p0, new OffsetSpan(5, 5)), Map.entry(p1, new OffsetSpan(0, 3)));
  }

  @Test
  void unknownTopicIsNamed() {
    assertThatThrownBy(
            () -> TopicRange.parse("kafka:nope").resolve(consumer(), Duration.ofSeconds(1)))
        .hasMessage("unknown topic nope");
  }

  private static MockConsumer<String, String> consumer() {
    MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    Node node = new Node(0, "localhost", 9092);
    consumer.updatePartitions(
        "t",
        List.of(
            new PartitionInfo("t", 1, node, null, null),
            new PartitionInfo("t", 0, node, null, null)));
    TopicPartition p0 = new TopicPartition("t", 0);
    TopicPartition p1 = new TopicPartition("t", 1);
    consumer.updateBeginningOffsets(Map.of(p0, 5L, p1, 0L));
    consumer.updateEndOffsets(Map.of(p0, 100L, p1, 40L));
    return consumer;
  }
}
