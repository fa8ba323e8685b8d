package dev.gatestream.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.contracts.InferenceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of {@code POST /v1/infer}, validated: every field optional, unknown fields refused (a
 * typo would otherwise silently drop a setting).
 *
 * @param id request id, or null to let the gateway choose one
 * @param deadlineMs deadline relative to arrival, or null for the gateway's default
 * @param budget cost cap in USD, or null for none
 */
public record GatewayRequest(
    String id,
    String text,
    String task,
    List<Float> features,
    Map<String, String> attributes,
    Long deadlineMs,
    Double budget) {

  /** Longest deadline a client may ask for: beyond it a waiting HTTP call is no longer sensible. */
  static final long MAX_DEADLINE_MS = 10 * 60 * 1000L;

  static final int MAX_ID_LENGTH = 256;

  private static final Set<String> FIELDS =
      Set.of("id", "text", "task", "features", "attributes", "deadlineMs", "budget");

  public GatewayRequest {
    features = features == null ? null : List.copyOf(features);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** Parses and validates a JSON body. */
  public static GatewayRequest parse(ObjectMapper json, byte[] body) throws BadRequestException {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequestException("malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestException("unreadable body: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadRequestException("body must be a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequestException(
            "unknown field '"
                + name
                + "'; known: "
                + String.join(", ", FIELDS.stream().sorted().toList()));
      }
    }
    String id = optionalString(root, "id");
    if (id != null && (id.isBlank() || id.length() > MAX_ID_LENGTH)) {
      throw new BadRequestException(
          "'id' must be non-blank and at most " + MAX_ID_LENGTH + " characters");
    }
    Long deadlineMs = null;
    JsonNode deadline = present(root, "deadlineMs");
    if (deadline != null) {
      if (!deadline.canConvertToExactIntegral()
          || deadline.asLong() < 1
          || deadline.asLong() > MAX_DEADLINE_MS) {
        throw new BadRequestException(
            "'deadlineMs' must be an integer from 1 to " + MAX_DEADLINE_MS);
      }
      deadlineMs = deadline.asLong();
    }
    Double budget = null;
    JsonNode budgetNode = present(root, "budget");
    if (budgetNode != null) {
      if (!budgetNode.isNumber()
          || !Double.isFinite(budgetNode.asDouble())
          || budgetNode.asDouble() < 0) {
        throw new BadRequestException("'budget' must be a non-negative number");
      }
      budget = budgetNode.asDouble();
    }
    return new GatewayRequest(
        id,
        optionalString(root, "text"),
        optionalString(root, "task"),
        features(root),
        attributes(root),
        deadlineMs,
        budget);
  }

  /**
   * The request to send under {@code requestId}, but for its creation time and deadline, set as it
   * is sent.
   */
  public InferenceRequest.Builder toRequest(String requestId) {
    return InferenceRequest.newBuilder()
        .setId(requestId)
        .setTask(task)
        .setText(text)
        .setFeatures(features)
        .setAttributes(attributes)
        .setCostBudget(budget);
  }

  /** The deadline from arrival: the request's own, else {@code defaultDeadlineMs}. */
  public long effectiveDeadlineMs(long defaultDeadlineMs) {
    return deadlineMs == null ? defaultDeadlineMs : deadlineMs;
  }

  /** The field, or null when absent or JSON null. */
  private static JsonNode present(JsonNode root, String field) {
    JsonNode node = root.get(field);
    return node == null || node.isNull() ? null : node;
  }

  private static String optionalString(JsonNode root, String field) throws BadRequestException {
    JsonNode node = present(root, field);
    if (node == null) {
      return null;
    }
    if (!node.isTextual()) {
      throw new BadRequestException("'" + field + "' must be a string");
    }
    return node.asText();
  }

  private static List<Float> features(JsonNode root) throws BadRequestException {
    JsonNode node = present(root, "features");
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      throw new BadRequestException("'features' must be an array of numbers");
    }
    List<Float> features = new ArrayList<>(node.size());
    for (JsonNode element : node) {
      float value = (float) element.asDouble();
      if (!element.isNumber() || !Float.isFinite(value)) {
        throw new BadRequestException("'features' must be an array of finite numbers");
      }
      features.add(value);
    }
    return features;
  }

  private static Map<String, String> attributes(JsonNode root) throws BadRequestException {
    JsonNode node = present(root, "attributes");
    if (node == null) {
      return Collections.emptyMap();
    }
    if (!node.isObject()) {
      throw new BadRequestException("'attributes' must be an object of strings");
    }
    Map<String, String> attributes = new HashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new BadRequestException("attribute '" + entry.getKey() + "' must be a string");
      }
      attributes.put(entry.getKey(), entry.getValue().asText());
    }
    return attributes;
  }
}
