package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.Choice;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.learning.Rewards;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One logged routing decision joined with its feedback: what off-policy evaluation learns from.
 *
 * @param requestId the request's id, for messages; may be null
 * @param task the request's task label; may be null
 * @param text the request's text; may be null
 * @param features the feature vector the logging policy decided with; may be null
 * @param costBudget the request's cost cap, USD, for cost-aware candidate gates; null for none
 * @param chosen the experts the logging policy chose, each with its marginal selection probability
 * @param loggingPropensities the logging policy's selection probability of every candidate expert;
 *     experts it lacks had probability 0, chosen experts it lacks are taken at their logged
 *     propensity
 * @param quality what each chosen expert's answer was worth, in [0,1], as {@link Rewards#outcomes}
 *     judges it from its result and the request's feedback; NaN or absent when unknown. Values of
 *     experts that were not chosen are ignored: the estimators use only what the logging policy's
 *     choice revealed
 * @param cost what each chosen expert's call cost, USD; absent is 0
 */
public record LoggedDecision(
    String requestId,
    String task,
    String text,
    float[] features,
    Double costBudget,
    List<Choice> chosen,
    Map<String, Double> loggingPropensities,
    Map<String, Double> quality,
    Map<String, Double> cost) {

  /** Logged propensities pass through doubles and Avro; this absorbs rounding, not disagreement. */
  private static final double PROPENSITY_AGREEMENT = 1e-9;

  public LoggedDecision {
    if (chosen == null || chosen.isEmpty()) {
      throw new IllegalArgumentException(label(requestId) + " has no chosen expert");
    }
    chosen = List.copyOf(chosen);
    Map<String, Double> logging =
        new HashMap<>(loggingPropensities == null ? Map.of() : loggingPropensities);
    logging.forEach(
        (expert, p) -> {
          if (p == null || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(
                label(requestId)
                    + ": logging propensity of "
                    + expert
                    + " is "
                    + p
                    + ", expected a probability");
          }
        });
    Set<String> seen = new HashSet<>();
    for (Choice choice : chosen) {
      double p = choice.propensity();
      if (!(p > 0 && p <= 1)) {
        throw new IllegalArgumentException(
            label(requestId)
                + ": chosen expert "
                + choice.expert()
                + " has propensity "
                + p
                + ", expected (0, 1]");
      }
      if (!seen.add(choice.expert())) {
        throw new IllegalArgumentException(
            label(requestId) + " chose expert " + choice.expert() + " twice");
      }
      Double listed = logging.putIfAbsent(choice.expert(), p);
      if (listed != null && Math.abs(listed - p) > PROPENSITY_AGREEMENT) {
        throw new IllegalArgumentException(
            label(requestId)
                + ": chosen expert "
                + choice.expert()
                + " has propensity "
                + p
                + " but the logging propensities say "
                + listed);
      }
    }
    loggingPropensities = Map.copyOf(logging);
    quality = Map.copyOf(quality == null ? Map.of() : quality);
    quality.forEach(
        (expert, q) -> {
          if (Double.isInfinite(q)) {
            throw new IllegalArgumentException(
                label(requestId) + ": quality of " + expert + " is " + q);
          }
        });
    cost = Map.copyOf(cost == null ? Map.of() : cost);
    cost.forEach(
        (expert, c) -> {
          if (!Double.isFinite(c)) {
            throw new IllegalArgumentException(
                label(requestId) + ": cost of " + expert + " is " + c);
          }
        });
  }

  private static String label(String requestId) {
    return requestId == null ? "logged decision" : "logged decision " + requestId;
  }

  /** The chosen expert's quality, NaN when unknown. */
  public double qualityOf(String expert) {
    return quality.getOrDefault(expert, Double.NaN);
  }

  public double costOf(String expert) {
    return cost.getOrDefault(expert, 0.0);
  }

  /** What the chosen expert earned under this reward rule, NaN when its quality is unknown. */
  public double rewardOf(String expert, Rewards rewards) {
    return rewards.reward(qualityOf(expert), costOf(expert));
  }

  /** The logging policy's probability of selecting expert, 0 when it was not a candidate. */
  public double loggingPropensity(String expert) {
    return loggingPropensities.getOrDefault(expert, 0.0);
  }

  /** The input as a gate sees it, so a candidate gate can decide on the logged request. */
  public RoutingInput toRoutingInput() {
    return new RoutingInput(requestId, task, text, features, costBudget);
  }
}
