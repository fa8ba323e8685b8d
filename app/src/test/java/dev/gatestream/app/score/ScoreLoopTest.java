package dev.gatestream.app.score;

import static dev.gatestream.app.score.PlayedPipeline.TOPICS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.gateway.client.RequestReplyClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A run's loop against a pipeline played in memory, through the real request/reply client. */
@Timeout(60)
class ScoreLoopTest {

  private static final long GRACE_MS = 500;

  @TempDir Path dir;

  private final PlayedPipeline pipeline = new PlayedPipeline();
  private final TickingClock clock = new TickingClock(10);
  private final List<ScoreListener.Event> events = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  private ScoreRun.Settings settings(Path input, int window) {
    Path output = dir.resolve("out.jsonl");
    return new ScoreRun.Settings(
        input, output, ScoreRun.rejectsOf(output), RowFormat.JSONL, window, 1_000, GRACE_MS);
  }

  private ScoreReport run(ScoreRun.Settings settings, ScoreListener listener) throws IOException {
    ResumePoint start = ResumePoint.of(settings, TOPICS, clock);
    try (RequestReplyClient<ScoreRow> client =
        pipeline.client(start, settings.window(), GRACE_MS, clock)) {
      return new ScoreLoop(settings, start, clock, GRACE_MS, stop::get, listener).run(client);
    }
  }

  private Path input(String... lines) throws IOException {
    return Files.writeString(dir.resolve("in.jsonl"), String.join("\n", lines) + "\n");
  }

  private static List<String> rows(int from, int to) {
    List<String> rows = new ArrayList<>();
    for (int i = from; i < to; i++) {
      rows.add("{\"id\": \"r" + i + "\", \"text\": \"question " + i + "\"}");
    }
    return rows;
  }

  private List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        lines.add(RowReader.JSON.readTree(line));
      }
    }
    return lines;
  }

  private Map<Long, String> rejects(ScoreRun.Settings settings) throws IOException {
    Map<Long, String> rejects = new TreeMap<>();
    lines(settings.rejects())
        .forEach(reject -> rejects.put(reject.get("line").asLong(), reject.get("reason").asText()));
    return rejects;
  }

  @Test
  void everyRowIsScoredOrRejectedOnceWithItsReason() throws IOException {
    List<String> lines = new ArrayList<>(rows(0, 6));
    lines.add("{\"id\": \"r2\", \"text\": \"again\"}");
    lines.add("{\"id\": \"no\", \"text\": \"refuse me\"}");
    lines.add("{\"id\": \"bad\", \"text\": \"garble\"}");
    lines.add("not json");
    ScoreRun.Settings settings = settings(input(lines.toArray(String[]::new)), 3);

    ScoreReport report = run(settings, events::add);

    assertThat(lines(settings.output()))
        .extracting(row -> row.get("request_id").asText())
        .containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4", "r5");
    assertThat(lines(settings.output()))
        .allSatisfy(
            row -> {
              assertThat(row.get("completeness").asText()).isEqualTo("COMPLETE");
              assertThat(row.get("fused_output").asDouble()).isEqualTo(0.25);
            });
    Map<Long, String> rejects = rejects(settings);
    assertThat(rejects.keySet()).containsExactly(7L, 8L, 9L, 10L);
    assertThat(rejects.get(7L)).startsWith("duplicate id 'r2'");
    assertThat(rejects.get(8L)).isEqualTo("refused by the router: text refused");
    assertThat(rejects.get(9L)).startsWith("cannot read its fused result: ");
    assertThat(rejects.get(10L)).startsWith("not JSON");
    assertThat(report)
        .isEqualTo(new ScoreReport(10, 6, 4, 6, 4, report.seconds(), Map.of("COMPLETE", 6L), true));
    assertThat(pipeline.requests())
        .hasSize(8)
        .allSatisfy(
            request ->
                assertThat(request.getReplyTo())
                    .isEqualTo(ResumePoint.of(settings, TOPICS, clock).state.run.replyTopic()));
    assertThat(events)
        .contains(new ScoreListener.Rejected(7, rejects.get(7L)))
        .last()
        .isEqualTo(new ScoreListener.Progress(10, 0));
    assertThat(events)
        .filteredOn(ScoreListener.Progress.class::isInstance)
        .allSatisfy(
            event ->
                assertThat(((ScoreListener.Progress) event).inFlight()).isLessThanOrEqualTo(3));
    assertThat(ResumePoint.of(settings, TOPICS, clock).state.complete).isTrue();
  }

  @Test
  void aRowWithoutResultByItsDeadlineIsRejectedWhileTheOthersAreScored() throws IOException {
    List<String> lines = new ArrayList<>(rows(0, 5));
    lines.add("{\"id\": \"late\", \"text\": \"question\", \"deadline_ms\": 100}");
    ScoreRun.Settings settings = settings(input(lines.toArray(String[]::new)), 10);
    pipeline.hold("late");

    ScoreReport report = run(settings, events::add);

    assertThat(report.complete()).isTrue();
    assertThat(report.scored()).isEqualTo(5);
    assertThat(rejects(settings))
        .isEqualTo(Map.of(6L, "no fused result by the deadline + fusion grace"));
  }

  @Test
  void aPipelineThatAnswersNothingStopsTheRunAsStalledAndResumable() throws IOException {
    ScoreRun.Settings settings = settings(input(rows(0, 4).toArray(String[]::new)), 10);
    pipeline.hold("r0", "r1", "r2", "r3");

    assertThatThrownBy(() -> run(settings, events::add))
        .isInstanceOf(ScoreRun.StalledException.class)
        .hasMessageContaining("4 requests in flight")
        .hasMessageContaining("run the same command again to resume");

    ResumePoint resumed = ResumePoint.of(settings, TOPICS, clock);
    assertThat(resumed.resumed).isTrue();
    assertThat(resumed.awaited)
        .extracting(awaited -> awaited.row().id())
        .containsExactly("r0", "r1", "r2", "r3");
    assertThat(rejects(settings)).isEmpty();
  }

  @Test
  void anInterruptedRunResumesSendingNothingTwiceAndWritingEachRowOnce() throws IOException {
    ScoreRun.Settings settings = settings(input(rows(0, 10).toArray(String[]::new)), 10);
    pipeline.hold("r5", "r6", "r7", "r8", "r9");

    ScoreReport first =
        run(
            settings,
            event -> {
              if (event instanceof ScoreListener.Progress progress && progress.done() >= 5) {
                stop.set(true);
              }
            });
    assertThat(first.complete()).isFalse();
    assertThat(first.scored()).isEqualTo(5);
    assertThat(lines(settings.output())).hasSize(5);

    // Fusion answers the rest while no run is reading; the next run finds them on its reply topic.
    pipeline.release();
    stop.set(false);
    int sentBefore = pipeline.requests().size();
    ScoreReport second = run(settings, events::add);

    assertThat(second.complete()).isTrue();
    assertThat(second.scored()).isEqualTo(10);
    assertThat(second.scoredNow()).isEqualTo(5);
    assertThat(pipeline.requests())
        .hasSize(sentBefore)
        .extracting(InferenceRequest::getId)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 10).mapToObj(i -> "r" + i).toList());
    assertThat(lines(settings.output()))
        .extracting(row -> row.get("request_id").asText())
        .hasSize(10)
        .doesNotHaveDuplicates();
  }
}
