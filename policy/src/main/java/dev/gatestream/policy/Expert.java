package dev.gatestream.policy;

/**
 * An expert as the gates see it.
 *
 * @param name the expert's real name, e.g. meta/llama-2-70b-chat
 * @param pricePerCall what one call costs, USD, for cost-aware gates
 */
public record Expert(String name, double pricePerCall) {}
