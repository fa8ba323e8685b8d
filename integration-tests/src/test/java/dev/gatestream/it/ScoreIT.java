package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.app.score.InputRow;
import dev.gatestream.app.score.RowFormat;
import dev.gatestream.app.score.RowReader;
import dev.gatestream.app.score.ScoreListener;
import dev.gatestream.app.score.ScoreReport;
import dev.gatestream.app.score.ScoreRun;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.serdes.RegistrySerdes;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch-scoring job ({@link ScoreRun}) against a live pipeline of replay experts on the real
 * broker and registry. What the {@code score} command adds (arguments, messages, exit codes) is the
 * CLI's.
 */
@ExtendWith(GatestreamStackExtension.class)
class ScoreIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The router's limit on text (the featurizer's default): longer requests are dead-lettered. */
  private static final int MAX_TEXT_CHARS = 100_000;

  private final StackEndpoints stack;

  ScoreIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void everyValidRowIsScoredOnceAndEveryOtherIsRejectedWithItsLine(@TempDir Path dir)
      throws Exception {
    try (PipelineFixture fixture = fixture(dir, 3_000)) {
      Path input = dir.resolve("in.csv");
      Map<Long, String> expectedRejects = new TreeMap<>();
      List<String> validIds = writeCsv(input, 3_000, expectedRejects);
      Path output = dir.resolve("out.csv");
      ScoreRun.Settings settings = settings(fixture, input, output, RowFormat.CSV, 500, 30_000);

      ScoreReport report =
          score(fixture, ScoreRun.open(settings, fixture.topics, Clock.systemUTC()), event -> {});

      assertThat(report.complete()).as("%s", report).isTrue();
      List<InputRow> scored = readAll(output, RowFormat.CSV);
      Map<String, Long> perId =
          scored.stream()
              .collect(
                  Collectors.groupingBy(
                      row -> row.fields().get("id").asText(), Collectors.counting()));
      assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(validIds);
      assertThat(perId.values()).allMatch(count -> count == 1);
      assertThat(scored)
          .allSatisfy(
              row -> {
                ObjectNode fields = row.fields();
                assertThat(fields.get("request_id").asText()).isEqualTo(fields.get("id").asText());
                assertThat(Double.parseDouble(fields.get("fused_output").asText()))
                    .isBetween(0.0, 1.0);
                assertThat(fields.get("experts").asText().split(";"))
                    .hasSize(2)
                    .allSatisfy(expert -> assertThat(fixture.experts).contains(expert));
                assertThat(fields.get("completeness").asText()).isEqualTo("COMPLETE");
                assertThat(Double.parseDouble(fields.get("cost").asText()))
                    .isGreaterThanOrEqualTo(0);
                assertThat(Long.parseLong(fields.get("latency_ms").asText()))
                    .isGreaterThanOrEqualTo(0);
                assertThat(fields.get("policy_version").asText()).isEqualTo("0");
                assertThat(fields.get("tenant").asText()).startsWith("tenant-");
              });
      // The multi-line prompts came through whole.
      assertThat(scored)
          .filteredOn(row -> row.fields().get("prompt").asText().contains("\nsecond line"))
          .hasSize(
              (int)
                  validIds.stream()
                      .filter(id -> Integer.parseInt(id.substring(1)) % 7 == 0)
                      .count());

      Map<Long, String> rejects = new TreeMap<>();
      for (InputRow reject : readAll(ScoreRun.rejectsOf(output), RowFormat.CSV)) {
        rejects.put(
            Long.parseLong(reject.fields().get("line").asText()),
            reject.fields().get("reason").asText());
      }
      assertThat(rejects.keySet()).containsExactlyElementsOf(expectedRejects.keySet());
      expectedRejects.forEach(
          (line, reason) -> assertThat(rejects.get(line)).as("line %d", line).startsWith(reason));
      assertThat(report.scored()).isEqualTo(validIds.size());
      assertThat(report.rejected()).isEqualTo(expectedRejects.size());
      assertThat(report.total()).isEqualTo(validIds.size() + expectedRejects.size());

      // The run is complete: its reply topic is gone, and running it again has nothing to do.
      try (Admin admin = clients(fixture).admin("score-it-admin")) {
        assertThat(admin.listTopics().names().get())
            .noneMatch(
                topic ->
                    topic.startsWith(
                        fixture.config.getString(GatestreamConfig.TOPIC_PREFIX) + "score-"));
      }
      ScoreRun again = ScoreRun.open(settings, fixture.topics, Clock.systemUTC());
      assertThat(again.complete()).isTrue();
      assertThat(again.doneBefore()).isEqualTo(report.total());
      assertThat(readAll(output, RowFormat.CSV)).hasSize(validIds.size());
    }
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void anInterruptedRunResumesWithoutScoringOrSendingAnyRowTwice(@TempDir Path dir)
      throws Exception {
    int rows = 2_000;
    try (PipelineFixture fixture = fixture(dir, rows)) {
      Path input = dir.resolve("in.jsonl");
      try (Writer writer = Files.newBufferedWriter(input)) {
        for (int i = 0; i < rows; i++) {
          writer.write(
              JSON.writeValueAsString(
                      Map.of("id", "r" + i, "text", "question " + i, "task", "task-" + (i % 5)))
                  + "\n");
        }
      }
      Path output = dir.resolve("out.jsonl");
      ScoreRun.Settings settings = settings(fixture, input, output, RowFormat.JSONL, 300, 60_000);

      // First run: stopped once 600 rows are written while others are in flight.
      ScoreRun first = ScoreRun.open(settings, fixture.topics, Clock.systemUTC());
      AtomicReference<Long> stoppedAt = new AtomicReference<>();
      ScoreReport partial =
          CompletableFuture.supplyAsync(
                  () ->
                      score(
                          fixture,
                          first,
                          event -> {
                            if (event instanceof ScoreListener.Progress progress
                                && progress.done() >= 600
                                && progress.inFlight() > 0
                                && stoppedAt.get() == null) {
                              stoppedAt.set(progress.done());
                              first.stop();
                            }
                          }))
              .get(2, TimeUnit.MINUTES);
      assertThat(partial.complete()).isFalse();
      assertThat(partial.scored()).isLessThan(rows);
      assertThat(Files.readAllLines(output)).hasSize((int) partial.scored());

      // What the first run sent and did not write is awaited, not sent again.
      ScoreRun resumed = ScoreRun.open(settings, fixture.topics, Clock.systemUTC());
      assertThat(resumed.resumed()).isTrue();
      assertThat(resumed.runId()).isEqualTo(first.runId());
      assertThat(resumed.doneBefore()).isEqualTo(partial.scored());
      assertThat(resumed.awaitedFromBefore()).isPositive();

      ScoreReport report = score(fixture, resumed, event -> {});
      assertThat(report.complete()).as("%s", report).isTrue();
      assertThat(report.scored()).isEqualTo(rows);
      assertThat(report.scoredNow()).isEqualTo(rows - partial.scored());

      List<String> scoredIds = new ArrayList<>();
      for (String line : Files.readAllLines(output)) {
        JsonNode row = JSON.readTree(line);
        assertThat(row.get("completeness").asText()).isEqualTo("COMPLETE");
        scoredIds.add(row.get("id").asText());
      }
      assertThat(scoredIds).hasSize(rows).doesNotHaveDuplicates();
      assertThat(
              Files.exists(ScoreRun.rejectsOf(output))
                  ? Files.readAllLines(ScoreRun.rejectsOf(output))
                  : List.of())
          .isEmpty();

      Map<String, Long> produced = requestsProduced(fixture);
      assertThat(produced).hasSize(rows);
      assertThat(produced)
          .allSatisfy((id, count) -> assertThat(count).as("requests of %s", id).isEqualTo(1));
    }
  }

  private PipelineFixture fixture(Path dir, int logRows) throws IOException {
    return new PipelineFixture(stack, dir, 4, logRows, Map.of());
  }

  /**
   * Rows r0..r{n-1} (ids of the replay log), every 7th with a prompt over two lines, and between
   * them rows that must be rejected; returns the valid ids and fills the line and reason of each
   * reject.
   */
  private static List<String> writeCsv(Path file, int rows, Map<Long, String> rejects)
      throws IOException {
    List<String> valid = new ArrayList<>();
    long line = 1;
    try (Writer writer = Files.newBufferedWriter(file)) {
      writer.write("id,prompt,task,tenant,cost_budget\n");
      for (int i = 0; i < rows; i++) {
        String id = "r" + i;
        if (i % 7 == 0) {
          writer.write(
              id
                  + ",\"question "
                  + i
                  + ",\nsecond line\",task-"
                  + (i % 5)
                  + ",tenant-"
                  + i % 3
                  + ",\n");
          line += 2;
        } else {
          writer.write(id + ",question " + i + ",task-" + (i % 5) + ",tenant-" + i % 3 + ",\n");
          line += 1;
        }
        valid.add(id);
        if (i % 500 == 250) {
          writer.write("x" + i + ",,task-1,tenant-0,\n");
          rejects.put(++line, "no text (or prompt) and no features to score");
          writer.write("y" + i + ",question,task-1,tenant-0,cheap\n");
          rejects.put(++line, "bad number in cost_budget: 'cheap'");
          writer.write(id + ",again,task-1,tenant-0,\n");
          rejects.put(++line, "duplicate id '" + id + "'");
          writer.write("z" + i + ",too,many,fields,here,really\n");
          rejects.put(++line, "6 fields where the header has 5");
          // Valid for the scorer, too long for the router: the router dead-letters it.
          writer.write("long" + i + "," + "w".repeat(MAX_TEXT_CHARS + 1) + ",task-1,tenant-0,\n");
          rejects.put(++line, "refused by the router: ");
        }
      }
    }
    return valid;
  }

  /** As the {@code score} command sets a run up: its deadline, and fusion's grace. */
  private static ScoreRun.Settings settings(
      PipelineFixture fixture,
      Path input,
      Path output,
      RowFormat format,
      int window,
      long deadlineMs) {
    return new ScoreRun.Settings(
        input,
        output,
        ScoreRun.rejectsOf(output),
        format,
        window,
        deadlineMs,
        fixture.config.getLong(GatestreamConfig.FUSION_GRACE_MS));
  }

  private KafkaClients clients(PipelineFixture fixture) {
    return new KafkaClients(fixture.config, stack.bootstrapServers());
  }

  private ScoreReport score(PipelineFixture fixture, ScoreRun run, ScoreListener listener) {
    try (RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      return run.execute(clients(fixture), serdes, Duration.ofSeconds(30), listener);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<InputRow> readAll(Path file, RowFormat format) throws IOException {
    List<InputRow> rows = new ArrayList<>();
    try (RowReader reader = RowReader.open(file, format)) {
      for (InputRow row = reader.next(); row != null; row = reader.next()) {
        assertThat(row.unreadable()).as("%s line %d", file, row.line()).isNull();
        rows.add(row);
      }
    }
    return rows;
  }

  /** How many records each key has on the requests topic, read to its end. */
  private Map<String, Long> requestsProduced(PipelineFixture fixture) {
    List<String> keys = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        clients(fixture)
            .consumer(
                "score-it-requests",
                null,
                Map.of(),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(fixture.topics.requests().name()).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream()
          .anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          keys.add(record.key());
        }
      }
    }
    return keys.stream()
        .collect(Collectors.groupingBy(Function.identity(), HashMap::new, Collectors.counting()));
  }
}
