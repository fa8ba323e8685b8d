package dev.gatestream.app.evaluate;

import dev.gatestream.policy.evaluation.LoggedDecision;

/**
 * A logged decision as read, with the name of the featurizer that made its features (null when the
 * source does not say), so a candidate gate is only run on features it understands.
 */
public record LogEntry(LoggedDecision decision, String featurizer) {}
