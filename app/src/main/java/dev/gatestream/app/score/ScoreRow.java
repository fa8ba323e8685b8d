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
public record ScoreRow(long line, String id, ObjectNode fields, String raw, String task, String text,
    List<Float> features, Double costBudget, Long deadlineMs, Map<String, String> attributes) {

  /** The request as sent now, with {@code defaultDeadlineMs} unless the row has its own. */
  public InferenceRequest toRequest(long nowMs, long defaultDeadlineMs, String replyTo) {
    return InferenceRequest.newBuilder().setId(id).setCreatedAtMs(nowMs).setTask(task).setText(text)
        .setFeatures(features).setAttributes(attributes).setCostBudget(costBudget)
        .setDeadlineMs(nowMs + (deadlineMs != null ? deadlineMs : defaultDeadlineMs)).setReplyTo(replyTo).build();
  }
}
