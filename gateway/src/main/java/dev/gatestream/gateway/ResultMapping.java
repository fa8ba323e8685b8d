package dev.gatestream.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;

/** How fused results become HTTP answers: status code and JSON body. */
public final class ResultMapping {

  public static final int OK = 200;
  public static final int BAD_REQUEST = 400;
  public static final int CONFLICT = 409;
  public static final int PAYLOAD_TOO_LARGE = 413;
  public static final int SERVICE_UNAVAILABLE = 503;
  public static final int GATEWAY_TIMEOUT = 504;

  private ResultMapping() {}

  /** 200 only for a complete answer: a partial one is served, but as a gateway timeout. */
  public static int status(FusedResult result) {
    return result.getCompleteness() == Completeness.COMPLETE ? OK : GATEWAY_TIMEOUT;
  }

  public static ObjectNode body(ObjectMapper json, FusedResult result) {
    ObjectNode body = json.createObjectNode();
    body.put("requestId", result.getRequestId());
    body.set("output", output(json, result.getOutput()));
    body.put("completeness", result.getCompleteness().name());
    ArrayNode contributors = body.putArray("contributors");
    result.getContributors().forEach(contributors::add);
    ObjectNode errors = body.putObject("expertErrors");
    result.getExpertErrors().forEach(errors::put);
    body.put("totalCost", result.getTotalCost());
    body.put("latencyMs", result.getLatencyMs());
    body.put("policyVersion", result.getPolicyVersion());
    return body;
  }

  /** Body of a 504 when no result at all came back in time. */
  public static ObjectNode noResult(ObjectMapper json, String requestId) {
    ObjectNode body = json.createObjectNode();
    body.put("requestId", requestId);
    body.put("error", "no result by the deadline");
    return body;
  }

  /**
   * The status of a request the pipeline dead-lettered, by the dead letter's code: a repeated id is
   * a conflict, a deadline that passed before routing a timeout, anything else the request's fault.
   */
  public static int refusalStatus(String code) {
    return switch (code) {
      case "duplicate" -> CONFLICT;
      case "expired" -> GATEWAY_TIMEOUT;
      default -> BAD_REQUEST;
    };
  }

  /** Body of an answer to a request the pipeline dead-lettered: by whom and why. */
  public static ObjectNode refused(ObjectMapper json, String requestId, String stage, String why) {
    ObjectNode body = json.createObjectNode();
    body.put("requestId", requestId);
    body.put("error", "refused by the " + stage + ": " + why);
    return body;
  }

  public static ObjectNode error(ObjectMapper json, String message) {
    return json.createObjectNode().put("error", message);
  }

  /**
   * The output as {"type": "probabilities"|"score"|"text", ...}, or JSON null when there is none.
   */
  static ObjectNode output(ObjectMapper json, Object output) {
    if (output == null) {
      return null;
    }
    ObjectNode node = json.createObjectNode();
    if (output instanceof ClassProbabilities probabilities) {
      node.put("type", "probabilities");
      ArrayNode labels = node.putArray("labels");
      probabilities.getLabels().forEach(labels::add);
      ArrayNode values = node.putArray("probabilities");
      probabilities.getProbabilities().forEach(values::add);
    } else if (output instanceof Score score) {
      node.put("type", "score");
      node.put("value", score.getValue());
    } else if (output instanceof TextAnswer text) {
      node.put("type", "text");
      node.put("text", text.getText());
    } else {
      throw new IllegalArgumentException("unknown output type " + output.getClass().getName());
    }
    return node;
  }
}
