package dev.gatestream.policy.lifecycle;

/**
 * What a lifecycle rule decided, and why, in one line.
 *
 * @param outcome promote (or roll back), hold for more evidence, or refuse
 */
public record Verdict(Outcome outcome, String reason) {

  /** What the rule decided. */
  public enum Outcome {
    /** The evidence clears the bar: act (promote the candidate, roll the canary back). */
    ACT,
    /** Not enough evidence either way yet. */
    HOLD,
    /** The evidence says no: the candidate is unsupported, too little judged, or worse. */
    REFUSE
  }

  public boolean acts() {
    return outcome == Outcome.ACT;
  }
}
