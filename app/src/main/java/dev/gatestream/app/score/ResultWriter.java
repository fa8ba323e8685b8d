package dev.gatestream.app.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes scored rows in the input's format: the input record's fields, then {@code request_id},
 * {@code fused_output} (a score's value, an answer's text, or class probabilities as a JSON
 * object), {@code experts} (the contributors; separated by ';' in CSV), {@code completeness},
 * {@code cost}, {@code latency_ms} (request creation to fused result) and {@code policy_version}.
 */
final class ResultWriter implements Closeable {

  private static final CsvMapper CSV = new CsvMapper();

  private final RowFormat format;
  private final List<String> inputColumns;
  private final AppendFile file;

  /**
   * @param inputColumns the CSV header (unused for JSON Lines)
   * @param keep bytes of an earlier run to keep; the CSV header is written when there are none
   */
  ResultWriter(Path path, RowFormat format, List<String> inputColumns, long keep)
      throws IOException {
    this.format = format;
    this.inputColumns = inputColumns;
    this.file = new AppendFile(path, keep);
    if (format == RowFormat.CSV && keep == 0) {
      List<String> header = new ArrayList<>(inputColumns);
      header.addAll(RowValidator.OUTPUT_FIELDS);
      file.write(csvLine(header));
    }
  }

  void write(ScoreRow row, FusedResult result) throws IOException {
    if (format == RowFormat.JSONL) {
      ObjectNode out = row.fields().deepCopy();
      out.put("request_id", row.id());
      out.set("fused_output", outputJson(result.getOutput()));
      ArrayNode experts = out.putArray("experts");
      result.getContributors().forEach(experts::add);
      out.put("completeness", result.getCompleteness().name());
      out.put("cost", result.getTotalCost());
      out.put("latency_ms", result.getLatencyMs());
      out.put("policy_version", result.getPolicyVersion());
      file.write(RowReader.JSON.writeValueAsString(out) + "\n");
      return;
    }
    List<String> values = new ArrayList<>(inputColumns.size() + RowValidator.OUTPUT_FIELDS.size());
    inputColumns.forEach(column -> values.add(row.fields().path(column).asText("")));
    values.add(row.id());
    values.add(outputText(result.getOutput()));
    values.add(String.join(";", result.getContributors()));
    values.add(result.getCompleteness().name());
    values.add(BigDecimal.valueOf(result.getTotalCost()).stripTrailingZeros().toPlainString());
    values.add(Long.toString(result.getLatencyMs()));
    values.add(Long.toString(result.getPolicyVersion()));
    file.write(csvLine(values));
  }

  long flush() throws IOException {
    return file.flush();
  }

  static String csvLine(List<String> values) throws IOException {
    return CSV.writer(CsvSchema.emptySchema()).writeValueAsString(values);
  }

  /** The fused output as JSON: a number, a string, an object of class probabilities, or null. */
  static JsonNode outputJson(Object output) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (output == null) {
      return nodes.nullNode();
    }
    if (output instanceof Score score) {
      return nodes.numberNode(score.getValue());
    }
    if (output instanceof TextAnswer text) {
      return nodes.textNode(text.getText());
    }
    if (output instanceof ClassProbabilities probabilities) {
      ObjectNode classes = nodes.objectNode();
      for (int i = 0; i < probabilities.getLabels().size(); i++) {
        classes.put(probabilities.getLabels().get(i), probabilities.getProbabilities().get(i));
      }
      return classes;
    }
    throw new IllegalArgumentException("unknown output type " + output.getClass().getName());
  }

  static String outputText(Object output) {
    JsonNode json = outputJson(output);
    return json.isNull() ? "" : json.isTextual() ? json.asText() : json.toString();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
