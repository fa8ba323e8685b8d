package dev.gatestream.adaptation.events;

/**
 * A version of a policy that a promotion, a rollback or the canary guardrail published on the
 * routing-weights topic, as the learner adopts it.
 *
 * @param learner the learner resumed from the version's weights ({@code PolicyLearner.toBytes()});
 *     null when they do not fit the job's learner (a gate without weights, such as task rules), so
 *     the learner keeps what it learned and only the version and lineage are adopted
 */
public record Adopted(
    String policy,
    long version,
    long examples,
    byte[] learner,
    Lineage lineage,
    long publishedAtMs) {}
