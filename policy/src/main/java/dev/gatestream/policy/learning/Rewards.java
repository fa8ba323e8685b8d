package dev.gatestream.policy.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each expert that ran earned on one request: the one reward rule of the adaptation job and of
 * {@code gatestream evaluate}. Quality, in [0,1]: the feedback's reward for that expert when it has one;
 * else its answer compared with the feedback's label; else the request-level reward. An expert that ran
 * and failed has quality 0. Reward is quality minus lambda times the call's cost. Experts without a
 * result, or without any signal, earn nothing: bandit feedback. Several feedback records of a request
 * are merged first, with {@link FeedbackMerge}.
 */
public final class Rewards {

  /**
   * What one chosen expert that ran earned before its cost is priced.
   *
   * @param quality in [0,1]
   * @param cost what the call cost, USD
   * @param propensity the probability with which the router chose it
   */
  public record Outcome(String expert, double quality, double cost, double propensity) {}

  private final double lambda;

  /** @param lambda price of cost in reward units (router.gate.lambda) */
  public Rewards(double lambda) {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
    this.lambda = lambda;
  }

  public double lambda() {
    return lambda;
  }

  public double reward(double quality, double cost) {
    return quality - lambda * cost;
  }

  public List<ExpertFeedback> score(DecisionEvent decision, Map<String, ResultEvent> results,
      FeedbackEvent feedback) {
    List<ExpertFeedback> scored = new ArrayList<>(decision.chosen().length);
    for (Outcome one : outcomes(decision, results, feedback)) {
      scored.add(new ExpertFeedback(one.expert(), one.quality(), reward(one.quality(), one.cost()),
          one.propensity(), one.cost()));
    }
    return scored;
  }

  /** The chosen experts that ran and can be judged, in the decision's order. */
  public static List<Outcome> outcomes(DecisionEvent decision, Map<String, ResultEvent> results,
      FeedbackEvent feedback) {
    List<Outcome> outcomes = new ArrayList<>(decision.chosen().length);
    for (int i = 0; i < decision.chosen().length; i++) {
      String expert = decision.chosen()[i];
      ResultEvent result = results.get(expert);
      if (result == null) {
        continue;
      }
      double quality = result.ok() ? quality(expert, result, feedback) : 0;
      if (!Double.isNaN(quality)) {
        outcomes.add(new Outcome(expert, quality, result.cost(), decision.propensities()[i]));
      }
    }
    return outcomes;
  }

  /** NaN when the feedback says nothing this expert's answer can be judged by. */
  static double quality(String expert, ResultEvent result, FeedbackEvent feedback) {
    double own = feedback.rewardOf(expert);
    if (!Double.isNaN(own)) {
      return clip(own);
    }
    if (feedback.label() != null) {
      double matched = matchLabel(result, feedback.label());
      if (!Double.isNaN(matched)) {
        return matched;
      }
    }
    return Double.isNaN(feedback.reward()) ? Double.NaN : clip(feedback.reward());
  }

  private static double matchLabel(ResultEvent result, String label) {
    switch (result.kind()) {
      case TEXT:
      case CLASS:
        return result.answer() != null && normalize(result.answer()).equals(normalize(label)) ? 1 : 0;
      case SCORE:
        try {
          return clip(1 - Math.abs(result.score() - Double.parseDouble(label.trim())));
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
      default:
        return Double.NaN;
    }
  }

  /** Case, surrounding whitespace, inner runs of whitespace and trailing punctuation do not count. */
  static String normalize(String text) {
    String collapsed = text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    return collapsed.replaceAll("[\\p{Punct}\\s]+$", "");
  }

  private static double clip(double value) {
    return Math.max(0, Math.min(1, value));
  }
}
