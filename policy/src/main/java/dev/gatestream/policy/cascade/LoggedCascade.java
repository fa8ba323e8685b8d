package dev.gatestream.policy.cascade;

import dev.gatestream.policy.learning.Rewards;
import java.util.List;
import java.util.OptionalDouble;

/**
 * One request a cascade served, as logged: its escalation decisions in order, and what each expert
 * that answered earned ({@link Rewards#outcomes}).
 *
 * @param steps the escalation decisions, stage 0 first; never empty
 * @param outcomes the judged outcomes of the experts asked, in the cascade's order
 */
public record LoggedCascade(String requestId, List<Step> steps, List<Rewards.Outcome> outcomes) {

  /**
   * One logged escalation decision.
   *
   * @param answered false when the judged expert gave no answer
   * @param confidence the answer's confidence, empty when it reported none
   * @param propensity the probability of what was done, exploration included
   */
  public record Step(
      String from,
      String to,
      boolean answered,
      OptionalDouble confidence,
      long remainingMs,
      boolean escalated,
      double propensity) {}

  public LoggedCascade {
    steps = List.copyOf(steps);
    outcomes = List.copyOf(outcomes);
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("request " + requestId + ": a cascade without steps");
    }
    for (Step step : steps) {
      if (!(step.propensity() > 0 && step.propensity() <= 1)) {
        throw new IllegalArgumentException(
            "request "
                + requestId
                + ": escalation propensity "
                + step.propensity()
                + " not in (0,1]");
      }
    }
  }

  /** The expert whose answer the cascade gave: the last one it asked. */
  public String answeredBy() {
    Step last = steps.get(steps.size() - 1);
    return last.escalated() ? last.to() : last.from();
  }
}
