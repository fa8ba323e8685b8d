package dev.gatestream.adaptation.events;

/**
 * A request the join gave up on: a decision that never got feedback, or feedback without a
 * decision.
 */
public record Unjoined(String requestId, Reason reason, long eventTimeMs) {

  /** Why nothing was learned from it. */
  public enum Reason {
    /** The decision's TTL passed without feedback. */
    DECISION_EXPIRED,
    /** Feedback's TTL passed without its decision (late feedback included). */
    FEEDBACK_EXPIRED,
    /** Decision and feedback met, but no chosen expert had a usable result. */
    NO_REWARD
  }
}
