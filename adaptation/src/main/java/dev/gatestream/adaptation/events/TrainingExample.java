package dev.gatestream.adaptation.events;

import dev.gatestream.policy.learning.ExpertFeedback;

/**
 * One joined request, ready to learn from: the features the router scored and what each expert that
 * ran earned.
 *
 * @param feedbackAtMs the feedback's event time, for the feedback-to-publication latency
 */
public record TrainingExample(
    String requestId,
    String policy,
    float[] features,
    ExpertFeedback[] experts,
    long feedbackAtMs) {}
