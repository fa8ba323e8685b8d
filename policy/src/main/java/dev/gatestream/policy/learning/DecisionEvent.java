package dev.gatestream.policy.learning;

/**
 * What the adaptation job needs of a RoutingDecision.
 *
 * @param chosen the experts the request was sent to
 * @param propensities the probability with which each chosen expert was chosen, same order
 * @param features the features the gate scored, empty when the decision had none
 */
public record DecisionEvent(
    String requestId,
    String policy,
    long policyVersion,
    String[] chosen,
    double[] propensities,
    float[] features,
    long deadlineMs,
    long decidedAtMs) {}
