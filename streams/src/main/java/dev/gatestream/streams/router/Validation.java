package dev.gatestream.streams.router;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.policy.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checks a request can be routed at all; the featurizer checks what it needs in detail. */
final class Validation {

  private Validation() {}

  /** The request's deadline passed before it could be routed: its caller has given up on it. */
  static final class ExpiredException extends RuntimeException {
    ExpiredException(String message) {
      super(message);
    }
  }

  static void check(InferenceRequest request, long nowMs, RouterLimits limits) {
    if (request.getId() == null || request.getId().isBlank()) {
      throw new InvalidInputException("request has no id");
    }
    boolean hasText = request.getText() != null && !request.getText().isBlank();
    boolean hasFeatures = request.getFeatures() != null && !request.getFeatures().isEmpty();
    boolean hasTask = request.getTask() != null && !request.getTask().isBlank();
    if (!hasText && !hasFeatures && !hasTask) {
      throw new InvalidInputException("request has no task, text or features to route on");
    }
    if (request.getText() != null && request.getText().length() > limits.maxTextChars()) {
      throw new InvalidInputException(
          "text of "
              + request.getText().length()
              + " characters exceeds "
              + GatestreamConfig.ROUTER_MAX_TEXT_CHARS
              + " ("
              + limits.maxTextChars()
              + ")");
    }
    Map<String, String> attributes = request.getAttributes();
    if (attributes.size() > limits.maxAttributes()) {
      throw new InvalidInputException(
          attributes.size()
              + " attributes exceed "
              + GatestreamConfig.ROUTER_MAX_ATTRIBUTES
              + " ("
              + limits.maxAttributes()
              + ")");
    }
    long chars = 0;
    for (Map.Entry<String, String> attribute : attributes.entrySet()) {
      chars +=
          attribute.getKey().length()
              + (attribute.getValue() == null ? 0 : attribute.getValue().length());
    }
    if (chars > limits.maxAttributesChars()) {
      throw new InvalidInputException(
          "attributes of "
              + chars
              + " characters exceed "
              + GatestreamConfig.ROUTER_MAX_ATTRIBUTES_CHARS
              + " ("
              + limits.maxAttributesChars()
              + ")");
    }
    // Last: an expired request is still answered (a TIMEOUT), so it must be valid otherwise.
    if (request.getDeadlineMs() <= nowMs) {
      throw new ExpiredException(
          "deadline passed " + (nowMs - request.getDeadlineMs()) + " ms before routing");
    }
  }

  static float[] toArray(List<Float> values) {
    if (values == null) {
      return null;
    }
    float[] array = new float[values.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = values.get(i);
    }
    return array;
  }

  static List<Float> toList(float[] values) {
    List<Float> list = new ArrayList<>(values.length);
    for (float value : values) {
      list.add(value);
    }
    return list;
  }
}
