package dev.gatestream.policy.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each expert that ran earned on one request: the one reward rule of the adaptation job and of
 * {@code gatestream evaluate}. Quality, in [0,1]: the feedback's reward for that expert when it has
 * one; else its answer compared with the feedback's label; else the request-level reward. An expert
 * that ran and failed has quality 0, and so has one that answered a non-finite score where a label
 * judges it. Reward is quality minus lambda times the call's cost. Experts without a result, or
 * without any signal, earn nothing: bandit feedback. Several feedback records of a request are
 * merged first, with {@link FeedbackMerge}.
 *
 * <p>An outcome that would carry a non-finite number is rejected, not learned and not evaluated: a
 * call whose cost is not finite, or a judging reward (the expert's own, else the request's) that is
 * infinite or, given for that expert, NaN. Clipping an infinite reward to [0,1] would make up a
 * signal, and a NaN would poison every later snapshot of the learner.
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

  /** Why an outcome was rejected; {@link #id()} names it in metrics. */
  public enum Rejection {
    NON_FINITE_COST("nonFiniteCost"),
    NON_FINITE_REWARD("nonFiniteReward");

    private final String id;

    Rejection(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /** A chosen expert that ran but whose outcome was rejected. */
  public record Rejected(String expert, Rejection reason) {}

  /** The judgeable outcomes of one request, in the decision's order, and the rejected ones. */
  public record Judged(List<Outcome> outcomes, List<Rejected> rejected) {}

  /** What {@link #score} gives and what it rejected. */
  public record Scored(List<ExpertFeedback> feedback, List<Rejected> rejected) {}

  private final double lambda;

  /**
   * @param lambda price of cost in reward units (router.gate.lambda)
   */
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

  public List<ExpertFeedback> score(
      DecisionEvent decision, Map<String, ResultEvent> results, FeedbackEvent feedback) {
    return scoreAll(decision, results, feedback).feedback();
  }

  /** {@link #score}, and the outcomes it rejected. */
  public Scored scoreAll(
      DecisionEvent decision, Map<String, ResultEvent> results, FeedbackEvent feedback) {
    Judged judged = judge(decision, results, feedback);
    List<ExpertFeedback> scored = new ArrayList<>(judged.outcomes().size());
    for (Outcome one : judged.outcomes()) {
      scored.add(
          new ExpertFeedback(
              one.expert(),
              one.quality(),
              reward(one.quality(), one.cost()),
              one.propensity(),
              one.cost()));
    }
    return new Scored(scored, judged.rejected());
  }

  /**
   * The chosen experts that ran and can be judged, in the decision's order; rejected ones left out.
   */
  public static List<Outcome> outcomes(
      DecisionEvent decision, Map<String, ResultEvent> results, FeedbackEvent feedback) {
    return judge(decision, results, feedback).outcomes();
  }

  /** The chosen experts that ran, judged or rejected. */
  public static Judged judge(
      DecisionEvent decision, Map<String, ResultEvent> results, FeedbackEvent feedback) {
    List<Outcome> outcomes = new ArrayList<>(decision.chosen().length);
    List<Rejected> rejected = new ArrayList<>(0);
    for (int i = 0; i < decision.chosen().length; i++) {
      String expert = decision.chosen()[i];
      ResultEvent result = results.get(expert);
      if (result == null) {
        continue;
      }
      if (!Double.isFinite(result.cost())) {
        rejected.add(new Rejected(expert, Rejection.NON_FINITE_COST));
        continue;
      }
      double quality = result.ok() ? quality(expert, result, feedback) : 0;
      if (Double.isInfinite(quality)) {
        rejected.add(new Rejected(expert, Rejection.NON_FINITE_REWARD));
      } else if (!Double.isNaN(quality)) {
        outcomes.add(new Outcome(expert, quality, result.cost(), decision.propensities()[i]));
      }
    }
    return new Judged(outcomes, rejected);
  }

  /**
   * The quality in [0,1]; NaN when the feedback says nothing this expert's answer can be judged by,
   * and infinite when the reward that would judge it is not finite.
   */
  static double quality(String expert, ResultEvent result, FeedbackEvent feedback) {
    for (int i = 0; i < feedback.rewardExperts().length; i++) {
      if (feedback.rewardExperts()[i].equals(expert)) {
        return judging(feedback.rewardValues()[i]);
      }
    }
    if (feedback.label() != null) {
      double matched = matchLabel(result, feedback.label());
      if (!Double.isNaN(matched)) {
        return matched;
      }
    }
    return Double.isNaN(feedback.reward()) ? Double.NaN : judging(feedback.reward());
  }

  private static double judging(double reward) {
    return Double.isFinite(reward) ? clip(reward) : Double.POSITIVE_INFINITY;
  }

  private static double matchLabel(ResultEvent result, String label) {
    switch (result.kind()) {
      case TEXT:
      case CLASS:
        return result.answer() != null && normalize(result.answer()).equals(normalize(label))
            ? 1
            : 0;
      case SCORE:
        double reference;
        try {
          reference = Double.parseDouble(label.trim());
        } catch (NumberFormatException e) {
          return Double.NaN;
        }
        if (!Double.isFinite(reference)) {
          return Double.NaN; // "NaN" or "Infinity" as a label judges nothing
        }
        // A non-finite score is a wrong answer, worth 0, not a reason to skip the expert.
        return Double.isFinite(result.score()) ? clip(1 - Math.abs(result.score() - reference)) : 0;
      default:
        return Double.NaN;
    }
  }

  /**
   * Case, surrounding whitespace, inner runs of whitespace and trailing punctuation do not count.
   */
  static String normalize(String text) {
    String collapsed = text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    return collapsed.replaceAll("[\\p{Punct}\\s]+$", "");
  }

  private static double clip(double value) {
    return Math.max(0, Math.min(1, value));
  }
}
