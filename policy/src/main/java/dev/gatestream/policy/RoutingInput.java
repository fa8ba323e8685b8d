package dev.gatestream.policy;

/**
 * What the routing logic sees of a request.
 *
 * @param task optional task label, may be null
 * @param text optional input text, may be null
 * @param features optional numeric features, may be null
 * @param costBudget optional cap on the routed experts' total price, USD; null for none
 */
public record RoutingInput(
    String requestId, String task, String text, float[] features, Double costBudget) {}
