package dev.gatestream.policy.evaluation;

/**
 * A candidate and the production policy estimated on the same logged decisions, and the
 * doubly-robust estimates of candidate minus production, paired on each bootstrap resample.
 *
 * @param reward difference of the reward, quality − λ·cost
 * @param quality difference of the quality
 * @param cost difference of the cost, USD
 */
public record Comparison(
    Evaluation candidate,
    Evaluation production,
    Estimate reward,
    Estimate quality,
    Estimate cost) {}
