package dev.gatestream.policy.lifecycle;

import dev.gatestream.policy.evaluation.Estimate;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Whether a canary must be rolled back: the live (on-policy) mean reward of the requests it decided
 * against production's over the same period. Rolled back once it has at least the minimum of judged
 * requests and the upper confidence bound of canary minus production is below minus the margin; the
 * interval is the normal approximation of the difference of two independent means (Welch), which
 * suits the hundreds of requests a guardrail acts on.
 *
 * @param margin how far below production the canary may be before it is rolled back
 * @param minOutcomes the judged canary requests it waits for
 * @param confidence the interval's level, e.g. 0.95
 */
public record CanaryGuardrail(double margin, int minOutcomes, double confidence) {

  /** Running sums of one arm's per-request rewards. */
  public static final class Arm {
    private long n;
    private double sum;
    private double squares;

    public void add(double reward) {
      n++;
      sum += reward;
      squares += reward * reward;
    }

    public long count() {
      return n;
    }

    public double mean() {
      return n == 0 ? Double.NaN : sum / n;
    }

    /** The variance of its mean. */
    double meanVariance() {
      if (n < 2) {
        return Double.POSITIVE_INFINITY;
      }
      double mean = sum / n;
      return Math.max(0, (squares - n * mean * mean) / (n - 1)) / n;
    }
  }

  public CanaryGuardrail {
    if (!(margin >= 0) || minOutcomes < 2 || !(confidence > 0.5 && confidence < 1)) {
      throw new IllegalArgumentException(
          "margin >= 0, at least 2 outcomes and a confidence in (0.5, 1) are required");
    }
  }

  /** The mean of one arm with its interval, at this guardrail's confidence. */
  public Estimate interval(Arm arm) {
    double se = Math.sqrt(arm.meanVariance());
    double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
    return new Estimate(arm.mean(), arm.mean() - z * se, arm.mean() + z * se, se);
  }

  /** Canary minus production, with its interval. */
  public Estimate difference(Arm canary, Arm production) {
    double value = canary.mean() - production.mean();
    double se = Math.sqrt(canary.meanVariance() + production.meanVariance());
    double z = new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
    return new Estimate(value, value - z * se, value + z * se, se);
  }

  public Verdict judge(Arm canary, Arm production) {
    if (canary.count() < minOutcomes || production.count() < 2) {
      return new Verdict(
          Verdict.Outcome.HOLD,
          PromotionRule.format(
              "%d judged canary requests of the %d it waits for", canary.count(), minOutcomes));
    }
    Estimate d = difference(canary, production);
    String figures =
        PromotionRule.format(
            "canary %.4f (n=%d) vs production %.4f (n=%d): difference %+.4f [%+.4f, %+.4f]",
            canary.mean(),
            canary.count(),
            production.mean(),
            production.count(),
            d.value(),
            d.lower(),
            d.upper());
    if (d.upper() < -margin) {
      return new Verdict(
          Verdict.Outcome.ACT,
          figures + PromotionRule.format(": below production by more than %.4f", margin));
    }
    return new Verdict(Verdict.Outcome.HOLD, figures);
  }
}
