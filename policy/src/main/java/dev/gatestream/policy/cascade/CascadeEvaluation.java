package dev.gatestream.policy.cascade;

import dev.gatestream.policy.learning.Rewards;
import java.util.ArrayList;
import java.util.List;

/**
 * Off-policy estimates of cascades from logged escalation decisions. A candidate cascade (the
 * logged one with another threshold or exploration) is judged by self-normalized importance
 * weighting over each request's sequence of escalation decisions: the weight is the product over
 * the logged steps of the candidate's probability of the logged action over its logged propensity.
 * Where the candidate would never have done what was logged the weight is 0, so only the requests
 * it supports count ({@link Estimate#supported}); with exploration 0 in the log, that is the
 * requests on which it agrees with the logged threshold.
 *
 * <p>A request's quality is that of the answer the cascade gave (its last expert's), its cost the
 * sum of every expert's call, and its reward {@link Rewards#reward} of the two: one reward rule.
 */
public final class CascadeEvaluation {

  /**
   * A candidate's estimate.
   *
   * @param supported logged requests with a positive weight
   * @param effectiveSampleSize (Σw)² / Σw², the number of requests the estimate is worth
   * @param value mean reward per request; NaN when nothing is supported
   * @param quality mean quality of the answer given
   * @param cost mean spend per request, USD
   * @param escalationRate share of requests that escalate at least once
   */
  public record Estimate(
      double threshold,
      double exploration,
      int supported,
      double effectiveSampleSize,
      double value,
      double quality,
      double cost,
      double escalationRate) {}

  private final Rewards rewards;

  public CascadeEvaluation(Rewards rewards) {
    this.rewards = rewards;
  }

  /**
   * The candidate's estimate on the logged requests that can be judged (those whose answer has an
   * outcome).
   */
  public Estimate estimate(CascadeRule candidate, List<LoggedCascade> logged) {
    double sumW = 0;
    double sumW2 = 0;
    double value = 0;
    double quality = 0;
    double cost = 0;
    double escalated = 0;
    int supported = 0;
    for (LoggedCascade one : logged) {
      Rewards.Outcome answer = outcomeOf(one.answeredBy(), one.outcomes());
      if (answer == null) {
        continue; // no feedback judged the answer given
      }
      double w = weight(candidate, one);
      if (w == 0) {
        continue;
      }
      double spent = 0;
      for (Rewards.Outcome outcome : one.outcomes()) {
        spent += outcome.cost();
      }
      supported++;
      sumW += w;
      sumW2 += w * w;
      value += w * rewards.reward(answer.quality(), spent);
      quality += w * answer.quality();
      cost += w * spent;
      escalated += one.steps().get(0).escalated() ? w : 0;
    }
    return new Estimate(
        candidate.threshold(),
        candidate.exploration(),
        supported,
        sumW2 == 0 ? 0 : sumW * sumW / sumW2,
        value / sumW,
        quality / sumW,
        cost / sumW,
        escalated / sumW);
  }

  /** The logged cascade at each threshold, for a frontier of thresholds. */
  public List<Estimate> sweep(
      CascadeRule logged, List<Double> thresholds, List<LoggedCascade> log) {
    List<Estimate> estimates = new ArrayList<>(thresholds.size());
    for (double threshold : thresholds) {
      estimates.add(estimate(logged.withThreshold(threshold).withExploration(0), log));
    }
    return estimates;
  }

  /** Π over the logged steps of candidate probability / logged propensity of the logged action. */
  static double weight(CascadeRule candidate, LoggedCascade one) {
    double w = 1;
    for (LoggedCascade.Step step : one.steps()) {
      double p =
          candidate.escalateProbability(step.answered(), step.confidence(), step.remainingMs());
      w *= (step.escalated() ? p : 1 - p) / step.propensity();
      if (w == 0) {
        return 0;
      }
    }
    return w;
  }

  private static Rewards.Outcome outcomeOf(String expert, List<Rewards.Outcome> outcomes) {
    for (Rewards.Outcome outcome : outcomes) {
      if (outcome.expert().equals(expert)) {
        return outcome;
      }
    }
    return null;
  }
}
