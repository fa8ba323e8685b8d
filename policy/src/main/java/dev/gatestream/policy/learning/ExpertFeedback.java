package dev.gatestream.policy.learning;

/**
 * What one expert that ran earned on one request.
 *
 * @param quality how good its answer was, in [0,1], before cost
 * @param reward quality minus lambda times the call's cost
 * @param propensity the probability with which the router chose it (NaN: unknown)
 * @param cost what the call cost, USD (0 when unknown)
 */
public record ExpertFeedback(
    String expert, double quality, double reward, double propensity, double cost) {}
