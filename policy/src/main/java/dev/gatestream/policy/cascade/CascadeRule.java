package dev.gatestream.policy.cascade;

import dev.gatestream.policy.Expert;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;

/**
 * A cascade: ask the first expert of the order, and after each answer decide whether to also ask
 * the next one. It escalates when the answer's confidence is below the threshold (or the answer has
 * none, or failed), but only while the deadline leaves at least the minimum remaining time. With
 * exploration ε it does the opposite of what the threshold says with probability ε, so that every
 * escalation decision has an exact, logged propensity and other thresholds can be evaluated
 * off-policy. The confidence is what the expert's answer says about itself, never a label.
 *
 * @param order the experts to try, cheapest first; at least two, no repeats, or empty for every
 *     expert by price ({@link #inPriceOrder})
 * @param threshold confidence in [0,1] below which an answer escalates
 * @param minRemainingMs least time before the deadline an escalation needs
 * @param exploration probability in [0, 0.5] of the opposite action
 */
public record CascadeRule(
    List<String> order, double threshold, long minRemainingMs, double exploration) {

  /** Why a step did what it did. */
  public enum Reason {
    LOW_CONFIDENCE("low-confidence"),
    CONFIDENT("confident"),
    NO_CONFIDENCE("no-confidence"),
    FAILED("failed"),
    NO_TIME("no-time");

    private final String id;

    Reason(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /**
   * One escalation decision.
   *
   * @param escalateProbability probability of escalating for this answer, exploration included
   * @param propensity probability of what was done
   */
  public record Step(
      int stage,
      String from,
      String to,
      OptionalDouble confidence,
      double escalateProbability,
      boolean escalated,
      double propensity,
      long remainingMs,
      Reason reason) {}

  public CascadeRule {
    order = List.copyOf(order);
    if (order.size() == 1) {
      throw new IllegalArgumentException(
          "a cascade needs at least two experts in its order, got " + order);
    }
    if (new HashSet<>(order).size() != order.size()) {
      throw new IllegalArgumentException("the cascade order names an expert twice: " + order);
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("cascade threshold must be in [0,1], got " + threshold);
    }
    if (minRemainingMs < 0) {
      throw new IllegalArgumentException(
          "cascade minimum remaining time must be >= 0, got " + minRemainingMs);
    }
    if (!(exploration >= 0 && exploration <= 0.5)) {
      throw new IllegalArgumentException(
          "cascade exploration must be in [0, 0.5], got " + exploration);
    }
  }

  /**
   * This rule over the given experts, cheapest first (ties in the order given), when its order is
   * empty; else the rule itself.
   */
  public CascadeRule inPriceOrder(List<Expert> experts) {
    if (!order.isEmpty()) {
      return this;
    }
    List<String> byPrice =
        experts.stream()
            .sorted(Comparator.comparingDouble(Expert::pricePerCall))
            .map(Expert::name)
            .toList();
    return new CascadeRule(byPrice, threshold, minRemainingMs, exploration);
  }

  /** The expert every request goes to first. */
  public String first() {
    if (order.isEmpty()) {
      throw new IllegalStateException("the cascade has no order yet: see inPriceOrder");
    }
    return order.get(0);
  }

  /** Whether the expert at this stage has a next one to escalate to. */
  public boolean hasNext(int stage) {
    return stage >= 0 && stage < order.size() - 1;
  }

  /**
   * The probability of escalating after the answer of {@code stage}.
   *
   * @param answered false when the expert gave no answer (an error, a rejection)
   * @param confidence the answer's confidence, empty when it reports none
   */
  public double escalateProbability(boolean answered, OptionalDouble confidence, long remainingMs) {
    if (remainingMs < minRemainingMs) {
      return 0; // not worth asking: the answer could not arrive in time
    }
    boolean low = !answered || confidence.isEmpty() || confidence.getAsDouble() < threshold;
    return low ? 1 - exploration : exploration;
  }

  /**
   * Decides whether to escalate after the answer of the expert at {@code stage}.
   *
   * @param uniform a draw from [0,1) that decides under exploration
   * @throws IllegalArgumentException when the stage has no next expert
   */
  public Step decide(
      int stage, boolean answered, OptionalDouble confidence, long remainingMs, double uniform) {
    if (!hasNext(stage)) {
      throw new IllegalArgumentException(
          "stage " + stage + " is the last of the cascade " + order + ": nothing to escalate to");
    }
    double p = escalateProbability(answered, confidence, remainingMs);
    boolean escalated = uniform < p;
    Reason reason;
    if (remainingMs < minRemainingMs) {
      reason = Reason.NO_TIME;
    } else if (!answered) {
      reason = Reason.FAILED;
    } else if (confidence.isEmpty()) {
      reason = Reason.NO_CONFIDENCE;
    } else {
      reason = confidence.getAsDouble() < threshold ? Reason.LOW_CONFIDENCE : Reason.CONFIDENT;
    }
    return new Step(
        stage,
        order.get(stage),
        order.get(stage + 1),
        confidence,
        p,
        escalated,
        escalated ? p : 1 - p,
        remainingMs,
        reason);
  }

  /** The same cascade with another threshold, as a candidate for off-policy evaluation. */
  public CascadeRule withThreshold(double other) {
    return new CascadeRule(order, other, minRemainingMs, exploration);
  }

  public CascadeRule withExploration(double other) {
    return new CascadeRule(order, threshold, minRemainingMs, other);
  }
}
