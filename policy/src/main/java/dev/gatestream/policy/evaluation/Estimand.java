package dev.gatestream.policy.evaluation;

/**
 * What an evaluation estimates about the candidate policy π, from per-expert rewards r(a, x) under
 * the "slate as independent actions" assumption: an expert's reward depends on the request, not on
 * which other experts were selected with it. p(a|x) is π's marginal probability of selecting a.
 */
public enum Estimand {

  /**
   * E_x Σ_a p(a|x) r(a, x): the expected total reward of the experts π selects. Estimated by (1/n)
   * Σ_i Σ_{a chosen in i} p(a|x_i) / p₀(a|x_i) · r_i(a), with p₀ the logging policy's marginals.
   */
  TOTAL_REWARD,

  /**
   * E_x [Σ_a p(a|x) r(a, x) / Σ_a p(a|x)]: the expected reward of one expert drawn from π's
   * selection, i.e. the total reward divided by the expected number selected, per request. For a
   * top-1 candidate it is the expected reward of the expert it picks, whatever the logging policy's
   * k; when the logging policy is top-1 too, the estimator is the standard IPS of the chosen
   * expert's reward.
   */
  MEAN_REWARD
}
