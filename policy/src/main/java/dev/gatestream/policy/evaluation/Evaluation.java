package dev.gatestream.policy.evaluation;

import java.util.List;

/**
 * What off-policy evaluation estimates a candidate policy would have scored on the logged
 * decisions: the reward (ips to loggingPolicy), and its two parts, quality and cost, alike.
 *
 * @param lambda the price of cost in the reward, quality − lambda × cost (router.gate.lambda)
 * @param decisions the logged decisions given
 * @param used those with the reward of every chosen expert known; the others are skipped
 * @param ips inverse propensity scoring: unbiased, high variance
 * @param selfNormalizedIps IPS with the weights normalized to their known expectation: slightly
 *     biased, lower variance, and bounded, a weighted mean of observed rewards times the
 *     candidate's mean selection mass
 * @param doublyRobust the cross-fitted reward model's prediction corrected by IPS on its residuals:
 *     unbiased, lower variance the better the model
 * @param loggingPolicy the same estimand for the logging policy, from its own choices (on-policy)
 * @param quality the estimates of the experts' quality alone
 * @param cost the estimates of their cost, USD
 * @param effectiveSampleSize (Σw)²/Σw² over each used decision's mean importance ratio w of its
 *     chosen experts; {@code used} when the candidate is the logging policy
 * @param maxWeight the largest importance ratio p(a|x)/p₀(a|x) of a chosen expert
 * @param unsupportedShare the share of the candidate's selection mass on experts the logging policy
 *     could not choose, left out of every estimate
 * @param warnings reasons to distrust the estimates, empty when there are none
 */
public record Evaluation(
    Estimand estimand,
    double lambda,
    int decisions,
    int used,
    Estimate ips,
    Estimate selfNormalizedIps,
    Estimate doublyRobust,
    Estimate loggingPolicy,
    Estimates quality,
    Estimates cost,
    double effectiveSampleSize,
    double maxWeight,
    double unsupportedShare,
    List<String> warnings) {

  /** Every estimator's estimate of one measure. */
  public record Estimates(
      Estimate ips, Estimate selfNormalizedIps, Estimate doublyRobust, Estimate loggingPolicy) {}

  public Evaluation {
    warnings = List.copyOf(warnings);
  }
}
