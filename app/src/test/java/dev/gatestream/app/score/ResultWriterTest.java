package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultWriterTest {

  @TempDir Path dir;

  @Test
  void csvOutputIsTheInputRowPlusTheResultAndMultiLineFieldsSurvive() throws IOException {
    Path input =
        Files.writeString(dir.resolve("in.csv"), "id,prompt,tenant\nq1,\"two\nlines\",acme\n");
    ScoreRow row =
        new RowValidator("run", new HashSet<String>()::add)
            .validate(RowReaderTest.readAll(input, RowFormat.CSV).get(0));
    Path output = dir.resolve("out.csv");
    try (ResultWriter writer =
        new ResultWriter(output, RowFormat.CSV, List.of("id", "prompt", "tenant"), 0)) {
      writer.write(row, result(new TextAnswer("a \"quoted\",\nanswer"), 0.0123));
    }

    List<InputRow> written = RowReaderTest.readAll(output, RowFormat.CSV);
    assertThat(written).hasSize(1);
    ObjectNode fields = written.get(0).fields();
    assertThat(fields.get("prompt").asText()).isEqualTo("two\nlines");
    assertThat(fields.get("tenant").asText()).isEqualTo("acme");
    assertThat(fields.get("request_id").asText()).isEqualTo("q1");
    assertThat(fields.get("fused_output").asText()).isEqualTo("a \"quoted\",\nanswer");
    assertThat(fields.get("experts").asText()).isEqualTo("org/a;org/b");
    assertThat(fields.get("completeness").asText()).isEqualTo("PARTIAL");
    assertThat(fields.get("cost").asText()).isEqualTo("0.0123");
    assertThat(fields.get("latency_ms").asText()).isEqualTo("87");
    assertThat(fields.get("policy_version").asText()).isEqualTo("4");
  }

  @Test
  void jsonLinesOutputKeepsTheInputFieldsAndTypesTheResult() throws IOException {
    Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"text\": \"hi\", \"rank\": 3}\n");
    ScoreRow row =
        new RowValidator("run", new HashSet<String>()::add)
            .validate(RowReaderTest.readAll(input, RowFormat.JSONL).get(0));
    Path output = dir.resolve("out.jsonl");
    try (ResultWriter writer = new ResultWriter(output, RowFormat.JSONL, List.of(), 0)) {
      writer.write(row, result(new Score(0.75), 0));
      writer.write(row, result(new ClassProbabilities(List.of("A", "B"), List.of(0.25, 0.75)), 0));
      writer.write(row, result(null, 0));
    }

    List<String> lines = Files.readAllLines(output);
    JsonNode scored = RowReader.JSON.readTree(lines.get(0));
    assertThat(scored.get("rank").asInt()).isEqualTo(3);
    assertThat(scored.get("request_id").asText()).isEqualTo("run-1");
    assertThat(scored.get("fused_output").asDouble()).isEqualTo(0.75);
    assertThat(scored.get("experts")).hasSize(2);
    assertThat(scored.get("latency_ms").asLong()).isEqualTo(87);
    assertThat(RowReader.JSON.readTree(lines.get(1)).get("fused_output").toString())
        .isEqualTo("{\"A\":0.25,\"B\":0.75}");
    assertThat(RowReader.JSON.readTree(lines.get(2)).get("fused_output").isNull()).isTrue();
  }

  @Test
  void rejectsCarryLineReasonAndTheRawRecord() throws IOException {
    Path csv = dir.resolve("r.csv");
    try (RejectWriter rejects = new RejectWriter(csv, RowFormat.CSV, 0)) {
      rejects.write(7, "bad number in cost_budget: 'x'", "q7,\"a,b\",x");
    }
    List<InputRow> read = RowReaderTest.readAll(csv, RowFormat.CSV);
    assertThat(read.get(0).fields().get("line").asText()).isEqualTo("7");
    assertThat(read.get(0).fields().get("raw").asText()).isEqualTo("q7,\"a,b\",x");

    Path jsonl = dir.resolve("r.jsonl");
    try (RejectWriter rejects = new RejectWriter(jsonl, RowFormat.JSONL, 0)) {
      rejects.write(3, "not JSON", "{oops");
    }
    assertThat(Files.readString(jsonl))
        .isEqualTo("{\"line\":3,\"reason\":\"not JSON\",\"raw\":\"{oops\"}\n");
  }

  @Test
  void reopeningCutsTheFileBackToTheCommittedLength() throws IOException {
    Path file = dir.resolve("out.jsonl");
    long committed;
    try (RejectWriter rejects = new RejectWriter(file, RowFormat.JSONL, 0)) {
      rejects.write(1, "kept", "");
      committed = rejects.flush();
      rejects.write(2, "written after the last checkpoint", "");
    }
    try (RejectWriter rejects = new RejectWriter(file, RowFormat.JSONL, committed)) {
      rejects.write(2, "again", "");
    }
    assertThat(Files.readAllLines(file))
        .extracting(line -> RowReader.JSON.readTree(line).get("reason").asText())
        .containsExactly("kept", "again");
  }

  private static FusedResult result(Object output, double cost) {
    return FusedResult.newBuilder()
        .setRequestId("q")
        .setOutput(output)
        .setStrategy("s")
        .setContributors(List.of("org/a", "org/b"))
        .setCompleteness(Completeness.PARTIAL)
        .setTotalCost(cost)
        .setLatencyMs(87)
        .setPolicyVersion(4)
        .setEmittedAtMs(1)
        .build();
  }
}
