package dev.gatestream.adaptation.events;

import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.ResultEvent;

/**
 * One record on its way into the request join: exactly one of decision, result and feedback is set.
 */
public record JoinInput(
    String requestId, DecisionEvent decision, ResultEvent result, FeedbackEvent feedback) {

  public static JoinInput of(DecisionEvent decision) {
    return new JoinInput(decision.requestId(), decision, null, null);
  }

  public static JoinInput of(ResultEvent result) {
    return new JoinInput(result.requestId(), null, result, null);
  }

  public static JoinInput of(FeedbackEvent feedback) {
    return new JoinInput(feedback.requestId(), null, null, feedback);
  }

  /** When the record happened: decided, completed or observed. */
  public long eventTimeMs() {
    if (decision != null) {
      return decision.decidedAtMs();
    }
    return result != null ? result.completedAtMs() : feedback.observedAtMs();
  }
}
