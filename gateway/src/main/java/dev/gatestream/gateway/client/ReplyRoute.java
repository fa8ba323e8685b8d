package dev.gatestream.gateway.client;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a {@link RequestReplyClient} asks for its requests' results and where it reads them.
 *
 * @param replyTopic the topic named as each request's replyTo, to which fusion also writes its
 *     result; null for none, reading the shared fused-results topic instead
 * @param fromBeginning where it has no resume position, read the reply topic from its beginning
 *     rather than its end: for a topic of the caller's own that may already hold results it waits
 *     for
 * @param deadLetters also read the dead letters, to learn at once of requests the router or fusion
 *     refused
 * @param resumeAt where to start reading these partitions, whatever the above say (a resumed run's
 *     positions)
 */
public record ReplyRoute(
    String replyTopic,
    boolean fromBeginning,
    boolean deadLetters,
    Map<TopicPartition, Long> resumeAt) {

  public ReplyRoute {
    resumeAt = Map.copyOf(resumeAt);
  }

  /** No replyTo: results are read where fusion writes all of them, from its end. */
  public static ReplyRoute sharedResults() {
    return new ReplyRoute(null, false, false, Map.of());
  }

  /** Results asked for on {@code replyTopic}, read from its end. */
  public static ReplyRoute to(String replyTopic) {
    return new ReplyRoute(Objects.requireNonNull(replyTopic, "replyTopic"), false, false, Map.of());
  }

  public ReplyRoute readFromBeginning() {
    return new ReplyRoute(replyTopic, true, deadLetters, resumeAt);
  }

  public ReplyRoute withDeadLetters() {
    return new ReplyRoute(replyTopic, fromBeginning, true, resumeAt);
  }

  public ReplyRoute resumingAt(Map<TopicPartition, Long> positions) {
    return new ReplyRoute(replyTopic, fromBeginning, deadLetters, positions);
  }
}
