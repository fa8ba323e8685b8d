package dev.gatestream.adaptation.events;

import dev.gatestream.policy.learning.FeedbackEvent;

/**
 * One record read from the feedback topic: exactly one of the event and the malformed record is
 * set. The job is the only reader of feedback, so it is the one to dead-letter what it cannot read.
 */
public record FeedbackRead(FeedbackEvent event, MalformedRecord malformed) {

  public static FeedbackRead of(FeedbackEvent event) {
    return new FeedbackRead(event, null);
  }

  public static FeedbackRead of(MalformedRecord malformed) {
    return new FeedbackRead(null, malformed);
  }
}
