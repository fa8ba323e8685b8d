package dev.gatestream.policy;

/**
 * One expert a gate selected.
 *
 * @param gateWeight the gate's weight for it among the chosen (they sum to 1), for weighted fusion
 * @param propensity probability in (0,1] that the policy, exploration included, selects this expert
 *     for these features; the basis of off-policy evaluation
 */
public record Choice(String expert, double gateWeight, double propensity) {}
