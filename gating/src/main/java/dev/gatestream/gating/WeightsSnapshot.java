package dev.gatestream.gating;

import java.util.List;
import java.util.Map;

/**
 * One version of a policy's learned parameters (the plain form of the RoutingWeights record).
 * Parameter block names: {@code "w:<expert>"} a weight vector of length featureDimension per expert,
 * {@code "b"} one bias per expert in {@code experts} order, {@code "reliability"} one value per expert.
 */
public record WeightsSnapshot(String policy, long version, List<String> experts, int featureDimension,
    Map<String, double[]> parameters) {}
