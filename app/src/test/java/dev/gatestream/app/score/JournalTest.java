package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

  @TempDir Path dir;

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final TopicPartition REPLIES = new TopicPartition("t-score-r1", 0);
  private static final TopicPartition DEAD_LETTERS = new TopicPartition("t-dead-letters", 0);

  private final Topics topics = new Topics("t-", 4, (short) 1);

  @Test
  void aLoadedJournalKnowsWhatIsDoneWhatIsAwaitedAndWhereToReadFrom() throws IOException {
    Path file = dir.resolve("out.csv.progress");
    try (Journal journal =
        Journal.create(
            file, new Journal.Run("r1", "/in.csv", "abc", RowFormat.CSV, "t-score-r1"))) {
      journal.checkpoint(10, 5, Map.of(REPLIES, 0L), List.of(), 0, 0);
      journal.sent(List.of(2L, 3L, 4L), 1_000);
      journal.checkpoint(120, 40, Map.of(REPLIES, 2L, DEAD_LETTERS, 7L), List.of(2L, 4L), 1, 1);
      journal.sent(List.of(5L), 2_000);
    }
    Files.writeString(
        file, "{\"checkpoint\": {\"output\": 9", StandardOpenOption.APPEND); // torn by a kill

    Journal.State state = Journal.load(file);
    assertThat(state.run.runId()).isEqualTo("r1");
    assertThat(state.run.replyTopic()).isEqualTo("t-score-r1");
    assertThat(state.isDone(2)).isTrue();
    assertThat(state.isDone(3)).isFalse();
    assertThat(state.pending).isEqualTo(Map.of(3L, 1_000L, 5L, 2_000L));
    assertThat(state.outputLength).isEqualTo(120);
    assertThat(state.rejectsLength).isEqualTo(40);
    assertThat(state.positions).isEqualTo(Map.of(REPLIES, 2L, DEAD_LETTERS, 7L));
    assertThat(Files.readString(file)).contains("\"t-score-r1-0\":2");
    assertThat(state.scored + state.rejected).isEqualTo(2);
    assertThat(state.complete).isFalse();
  }

  @Test
  void aDamagedJournalIsRefused() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("j"),
            "{\"run\": \"r\", \"format\": \"CSV\"}\nnot json\n{\"complete\": true}\n");
    assertThatThrownBy(() -> Journal.load(file)).hasMessageContaining("damaged at line 2");
  }

  @Test
  void anOutputWithoutJournalIsNotOverwritten() throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), "text\nhello\n");
    Path output = Files.writeString(dir.resolve("out.csv"), "precious\n");
    assertThatThrownBy(() -> ScoreRun.open(settings(input, output), topics, CLOCK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exists and no journal");
    assertThat(Files.readString(output)).isEqualTo("precious\n");
  }

  @Test
  void aResumedRunMustReadTheSameInput() throws IOException {
    Path input = Files.writeString(dir.resolve("in.csv"), "text\nhello\nworld\n");
    Path output = dir.resolve("out.csv");
    try (Journal journal =
        Journal.create(
            ScoreRun.journalOf(output),
            new Journal.Run(
                "r1",
                input.toString(),
                ResumePoint.fingerprint(input),
                RowFormat.CSV,
                "t-score-r1"))) {
      journal.sent(List.of(2L), Long.MAX_VALUE);
    }

    ScoreRun resumed = ScoreRun.open(settings(input, output), topics, CLOCK);
    assertThat(resumed.resumed()).isTrue();
    assertThat(resumed.runId()).isEqualTo("r1");
    assertThat(resumed.totalRows()).isEqualTo(2);
    assertThat(resumed.awaitedFromBefore()).isEqualTo(1);

    Files.writeString(input, "text\nhello\nchanged\n");
    assertThatThrownBy(() -> ScoreRun.open(settings(input, output), topics, CLOCK))
        .hasMessageContaining("is not the input the partial run")
        .hasMessageContaining("--restart");
  }

  @Test
  void aNewRunGetsItsOwnIdAndReplyTopic() throws IOException {
    Path input =
        Files.writeString(dir.resolve("in.jsonl"), "{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
    ScoreRun run =
        ScoreRun.open(
            new ScoreRun.Settings(
                input,
                dir.resolve("out.jsonl"),
                dir.resolve("out.jsonl.rejects"),
                RowFormat.JSONL,
                10,
                1_000,
                1_000),
            topics,
            CLOCK);
    assertThat(run.resumed()).isFalse();
    assertThat(run.totalRows()).isEqualTo(2);
    assertThat(run.replyTopic()).isEqualTo("t-score-" + run.runId());
    assertThat(run.runId()).matches("[a-z0-9]+").startsWith(Long.toString(CLOCK.millis(), 36));
  }

  private ScoreRun.Settings settings(Path input, Path output) {
    return new ScoreRun.Settings(
        input, output, ScoreRun.rejectsOf(output), RowFormat.CSV, 10, 1_000, 1_000);
  }
}
