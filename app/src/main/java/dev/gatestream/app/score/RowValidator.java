package dev.gatestream.app.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns input records into requests: {@code id} (else {@code <run>-<line>}), {@code text} (or
 * {@code prompt}), {@code task}, {@code features} (a JSON array, or in CSV also numbers separated
 * by spaces, semicolons or commas), {@code cost_budget}, {@code deadline_ms}; every other field
 * becomes a request attribute. Records that cannot become a valid request are refused with the
 * reason. One validator sees a file's records in order, so the second record with an id already
 * seen is refused.
 */
public final class RowValidator {

  /** Fields batch scoring adds to each output row; an input may not use them. */
  public static final List<String> OUTPUT_FIELDS =
      List.of(
          "request_id",
          "fused_output",
          "experts",
          "completeness",
          "cost",
          "latency_ms",
          "policy_version");

  static final String ID = "id";
  private static final Set<String> REQUEST_FIELDS =
      Set.of(ID, "text", "prompt", "task", "features", "cost_budget", "deadline_ms");
  private static final Pattern SEPARATORS = Pattern.compile("[\\s;,]+");

  private final String runId;
  private final Predicate<String> firstSeen;

  /**
   * @param runId prefix of the ids derived for records without one; stable across resumes of a run
   * @param firstSeen adds an id to the ids seen, false when it was there already
   */
  public RowValidator(String runId, Predicate<String> firstSeen) {
    this.runId = runId;
    this.firstSeen = firstSeen;
  }

  /** The id of the record on {@code line} that has no id field. */
  public static String derivedId(String runId, long line) {
    return runId + "-" + line;
  }

  /**
   * @throws InvalidRowException with the reason the record cannot be scored
   */
  public ScoreRow validate(InputRow row) {
    if (row.unreadable() != null) {
      throw new InvalidRowException(row.unreadable());
    }
    ObjectNode fields = row.fields();
    for (String reserved : OUTPUT_FIELDS) {
      if (fields.has(reserved)) {
        throw new InvalidRowException("field '" + reserved + "' is reserved for the output");
      }
    }
    String id;
    if (fields.has(ID)) {
      id = string(fields, ID);
      if (id == null) {
        throw new InvalidRowException("empty id");
      }
    } else {
      id = derivedId(runId, row.line());
    }
    String text = string(fields, "text");
    if (text == null) {
      text = string(fields, "prompt");
    }
    List<Float> features = features(fields.get("features"));
    if (text == null && features == null) {
      throw new InvalidRowException("no text (or prompt) and no features to score");
    }
    Double budget = number(fields, "cost_budget");
    if (budget != null && budget < 0) {
      throw new InvalidRowException("negative cost_budget " + budget);
    }
    Double deadline = number(fields, "deadline_ms");
    if (deadline != null && (deadline <= 0 || deadline != Math.rint(deadline))) {
      throw new InvalidRowException(
          "deadline_ms must be a positive whole number of milliseconds, not "
              + fields.get("deadline_ms").asText());
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    fields
        .properties()
        .forEach(
            field -> {
              if (!REQUEST_FIELDS.contains(field.getKey()) && !field.getValue().isNull()) {
                String value =
                    field.getValue().isTextual()
                        ? field.getValue().asText()
                        : field.getValue().toString();
                if (!value.isEmpty()) {
                  attributes.put(field.getKey(), value);
                }
              }
            });
    if (!firstSeen.test(id)) {
      throw new InvalidRowException("duplicate id '" + id + "' (an earlier record has it)");
    }
    return new ScoreRow(
        row.line(),
        id,
        fields,
        row.raw(),
        string(fields, "task"),
        text,
        features,
        budget,
        deadline == null ? null : deadline.longValue(),
        attributes);
  }

  /** A field's text, or null when it is absent, null or blank. */
  private static String string(ObjectNode fields, String name) {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    String value = node.isTextual() ? node.asText() : node.toString();
    return value.isBlank() ? null : value;
  }

  private static Double number(ObjectNode fields, String name) {
    JsonNode node = fields.get(name);
    if (node == null || node.isNull() || node.isTextual() && node.asText().isBlank()) {
      return null;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    try {
      double value = Double.parseDouble(node.asText().strip());
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, with the value
    }
    throw new InvalidRowException("bad number in " + name + ": '" + node.asText() + "'");
  }

  private static List<Float> features(JsonNode node) {
    if (node == null || node.isNull() || node.isTextual() && node.asText().isBlank()) {
      return null;
    }
    List<Float> features = new ArrayList<>();
    if (node.isArray()) {
      for (JsonNode value : node) {
        if (!value.isNumber()) {
          throw new InvalidRowException("features must be numbers, not " + value);
        }
        features.add(finite(value.floatValue(), value.toString()));
      }
    } else if (node.isTextual()) {
      String text = node.asText().strip();
      if (text.startsWith("[")) {
        try {
          return features(RowReader.JSON.readTree(text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new InvalidRowException("features are not a JSON array: " + e.getOriginalMessage());
        }
      }
      for (String value : SEPARATORS.split(text)) {
        try {
          features.add(finite(Float.parseFloat(value), value));
        } catch (NumberFormatException e) {
          throw new InvalidRowException("bad number in features: '" + value + "'");
        }
      }
    } else {
      throw new InvalidRowException("features must be an array of numbers, not " + node);
    }
    return features.isEmpty() ? null : features;
  }

  private static float finite(float value, String text) {
    if (!Float.isFinite(value)) {
      throw new InvalidRowException("features must be finite numbers, not " + text);
    }
    return value;
  }
}
