package dev.gatestream.app.score;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.contracts.InferenceRequest;
import java.util.List;
import java.util.Map;

/**
 * A valid input record and the request it becomes.
 *
 * @param deadlineMs the row's own deadline from sending, or null for the run's
 */
public record ScoreRow(
    long line,
    String id,
    ObjectNode fields,
    String raw,
    String task,
    String text,
    List<Float> features,
    Double costBudget,
    Long deadlineMs,
    Map<String, String> attributes) {

  /** The request to send, but for its creation time, deadline and replyTo, set as it is sent. */
  public InferenceRequest.Builder request() {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setTask(task)
        .setText(text)
        .setFeatures(features)
        .setAttributes(attributes)
        .setCostBudget(costBudget);
  }

  /** The deadline from sending: the row's own, else {@code defaultDeadlineMs}. */
  public long deadlineMs(long defaultDeadlineMs) {
    return deadlineMs != null ? deadlineMs : defaultDeadlineMs;
  }
}
