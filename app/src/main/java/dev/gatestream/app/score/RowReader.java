package dev.gatestream.app.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Streams the records of a CSV (RFC 4180, header first, quoted fields may span lines) or JSON Lines
 * file, each with the line it starts on. A record that cannot be read comes back as such, with the
 * reason, and reading goes on with the next one.
 */
public abstract sealed class RowReader implements Closeable {

  /** Strict: a line with anything after its object is not read as that object. */
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private static final CsvFactory CSV =
      CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
  private static final CsvMapper CSV_WRITER = new CsvMapper();

  /** Opens the file and, for CSV, reads its header. */
  public static RowReader open(Path file, RowFormat format) throws IOException {
    BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    try {
      return format == RowFormat.CSV ? new Csv(reader, file) : new JsonLines(reader);
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** CSV: the header's column names in order; JSON Lines: empty (every record names its fields). */
  public abstract List<String> columns();

  /** The next record, or null at the end of the file. */
  public abstract InputRow next() throws IOException;

  private static final class Csv extends RowReader {
    private final CsvParser parser;
    private final List<String> columns;
    private boolean broken;

    Csv(BufferedReader reader, Path file) throws IOException {
      parser = CSV.createParser(reader);
      List<String> header = record();
      if (header == null) {
        throw new IllegalArgumentException(
            file + " is empty: a CSV input starts with a header line");
      }
      columns = header.stream().map(String::strip).toList();
      Set<String> seen = new HashSet<>();
      for (String column : columns) {
        if (column.isEmpty() || !seen.add(column)) {
          throw new IllegalArgumentException(
              "the header of "
                  + file
                  + " has "
                  + (column.isEmpty() ? "an empty column name" : "column '" + column + "' twice"));
        }
      }
    }

    @Override
    public List<String> columns() {
      return columns;
    }

    @Override
    public InputRow next() throws IOException {
      long line = 0;
      List<String> fields;
      try {
        if (broken) {
          skipRestOfRecord();
        }
        JsonToken token = parser.nextToken();
        if (token == null) {
          return null;
        }
        // Right after a record's START_ARRAY the parser stands on the line the record starts on.
        line = parser.currentLocation().getLineNr();
        fields = rest(token);
      } catch (JsonProcessingException e) {
        // The parser goes on after the bad field: the rest of this record is skipped on the next
        // call.
        broken = true;
        long at = line > 0 ? line : e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return InputRow.unreadable(at, "", "unreadable CSV: " + e.getOriginalMessage());
      }
      String raw =
          CSV_WRITER.writer(CsvSchema.emptySchema()).writeValueAsString(fields).stripTrailing();
      if (fields.size() != columns.size()) {
        return InputRow.unreadable(
            line,
            raw,
            fields.size()
                + " fields where the header has "
                + columns.size()
                + " (an unquoted comma, or a quote left open?)");
      }
      ObjectNode row = JsonNodeFactory.instance.objectNode();
      for (int i = 0; i < columns.size(); i++) {
        row.put(columns.get(i), fields.get(i));
      }
      return InputRow.read(line, row, raw);
    }

    private void skipRestOfRecord() throws IOException {
      broken = false;
      for (JsonToken token = parser.nextToken();
          token != null && token != JsonToken.END_ARRAY;
          token = parser.nextToken()) {
        // the remains of a record already reported as unreadable
      }
    }

    private List<String> record() throws IOException {
      JsonToken token = parser.nextToken();
      return token == null ? null : rest(token);
    }

    private List<String> rest(JsonToken start) throws IOException {
      if (start != JsonToken.START_ARRAY) {
        throw new IllegalStateException("unexpected CSV token " + start);
      }
      List<String> fields = new ArrayList<>();
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_ARRAY;
          token = parser.nextToken()) {
        if (token == null) {
          break; // the file ends in this record: the field count tells
        }
        fields.add(parser.getText());
      }
      return fields;
    }

    @Override
    public void close() throws IOException {
      parser.close();
    }
  }

  private static final class JsonLines extends RowReader {
    private final BufferedReader reader;
    private long line;

    JsonLines(BufferedReader reader) {
      this.reader = reader;
    }

    @Override
    public List<String> columns() {
      return List.of();
    }

    @Override
    public InputRow next() throws IOException {
      String text;
      do {
        text = reader.readLine();
        line++;
        if (text == null) {
          return null;
        }
      } while (text.isBlank());
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        return InputRow.unreadable(line, text, "not JSON: " + e.getOriginalMessage());
      }
      if (!(node instanceof ObjectNode object)) {
        return InputRow.unreadable(line, text, "not a JSON object");
      }
      return InputRow.read(line, object, text);
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
