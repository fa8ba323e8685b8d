package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RowReaderTest {

  @TempDir Path dir;

  @Test
  void csvRecordsCarryTheLineTheyStartOnAndQuotedFieldsSpanLines() throws IOException {
    Path file =
        write(
            "in.csv",
            """
        id,prompt,task
        a,"first line
        second line, with a comma",gsm8k

        b,"say \"\"hi\"\"",mmlu
        c,too,many,fields
        d,short
        """);
    List<InputRow> rows = readAll(file, RowFormat.CSV);

    assertThat(rows).extracting(InputRow::line).containsExactly(2L, 5L, 6L, 7L);
    assertThat(rows.get(0).fields().get("prompt").asText())
        .isEqualTo("first line\nsecond line, with a comma");
    assertThat(rows.get(1).fields().get("prompt").asText()).isEqualTo("say \"hi\"");
    assertThat(rows.get(2).unreadable())
        .isEqualTo("4 fields where the header has 3 (an unquoted comma, or a quote left open?)");
    assertThat(rows.get(2).raw()).isEqualTo("c,too,many,fields");
    assertThat(rows.get(3).unreadable()).startsWith("2 fields where the header has 3");
  }

  @Test
  void aQuoteLeftOpenSwallowsTheRestOfTheFileAsOneUnreadableRecord() throws IOException {
    Path file = write("in.csv", "id,prompt\na,fine\nb,\"open\nc,more\n");
    List<InputRow> rows = readAll(file, RowFormat.CSV);

    assertThat(rows).hasSize(2);
    assertThat(rows.get(1).line()).isEqualTo(3);
    assertThat(rows.get(1).unreadable())
        .isEqualTo("unreadable CSV: Missing closing quote for value");
  }

  @Test
  void readingGoesOnAfterABadlyQuotedRecord() throws IOException {
    Path file = write("in.csv", "id,prompt\na,\"x\"y\nb,fine\n");
    List<InputRow> rows = readAll(file, RowFormat.CSV);

    assertThat(rows).extracting(InputRow::line).containsExactly(2L, 3L);
    assertThat(rows.get(0).unreadable()).startsWith("unreadable CSV: Unexpected character ('y'");
    assertThat(rows.get(1).fields().get("prompt").asText()).isEqualTo("fine");
  }

  @Test
  void csvHeaderMustNameEveryColumnOnce() throws IOException {
    assertThatThrownBy(() -> RowReader.open(write("dup.csv", "id,text,id\n"), RowFormat.CSV))
        .hasMessageContaining("column 'id' twice");
    assertThatThrownBy(() -> RowReader.open(write("empty.csv", ""), RowFormat.CSV))
        .hasMessageContaining("is empty");
  }

  @Test
  void jsonLinesAreReadLineByLineAndBadLinesAreReportedWithTheirNumber() throws IOException {
    Path file =
        write(
            "in.jsonl",
            """
        {"id": "a", "text": "hello"}

        {"id": "b", "text": oops}
        [1, 2]
        {"id": "c"} trailing
        {"id": "d", "features": [1, 2.5]}
        """);
    List<InputRow> rows = readAll(file, RowFormat.JSONL);

    assertThat(rows).extracting(InputRow::line).containsExactly(1L, 3L, 4L, 5L, 6L);
    assertThat(rows.get(0).unreadable()).isNull();
    assertThat(rows.get(1).unreadable()).startsWith("not JSON");
    assertThat(rows.get(1).raw()).isEqualTo("{\"id\": \"b\", \"text\": oops}");
    assertThat(rows.get(2).unreadable()).isEqualTo("not a JSON object");
    assertThat(rows.get(3).unreadable()).startsWith("not JSON");
    assertThat(rows.get(4).fields().get("features").size()).isEqualTo(2);
  }

  @Test
  void formatComesFromTheExtensionUnlessOverridden() {
    assertThat(RowFormat.of(Path.of("a.CSV"), null)).isEqualTo(RowFormat.CSV);
    assertThat(RowFormat.of(Path.of("a.ndjson"), null)).isEqualTo(RowFormat.JSONL);
    assertThat(RowFormat.of(Path.of("a.txt"), "jsonl")).isEqualTo(RowFormat.JSONL);
    assertThatThrownBy(() -> RowFormat.of(Path.of("a.txt"), null)).hasMessageContaining("--format");
    assertThatThrownBy(() -> RowFormat.of(Path.of("a.csv"), "xml"))
        .hasMessageContaining("unknown format 'xml'");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  static List<InputRow> readAll(Path file, RowFormat format) throws IOException {
    List<InputRow> rows = new ArrayList<>();
    try (RowReader reader = RowReader.open(file, format)) {
      for (InputRow row = reader.next(); row != null; row = reader.next()) {
        rows.add(row);
      }
    }
    return rows;
  }
}
