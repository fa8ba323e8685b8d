package dev.gatestream.clients;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Kafka Streams stage does with a record its producer cannot write. A failure that lies in
 * the record (too large, its topic missing) is noted in the stage's {@link WriteFailures}; at least
 * once the record is dead-lettered (cut to fit) and the stage goes on. Under exactly-once the
 * producer has already doomed the transaction, so the stage fails it: it is rolled back and redone,
 * and the stage's processors dead-letter the noted record when they meet it again. Any other
 * failure (the broker, the registry) fails the stage as before: retrying is right for those, and no
 * record is lost.
 */
public final class DeadLetterProductionHandler implements ProductionExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);

  private final Clock clock;
  private String deadLetterTopic;
  private String stage;
  private int maxRequestSize;
  private boolean exactlyOnce;
  private Optional<WriteFailures> failures = Optional.empty();

  public DeadLetterProductionHandler() {
    this(Clock.systemUTC());
  }

  DeadLetterProductionHandler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetterTopic =
        (String) configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    stage = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
    maxRequestSize = DeadLetter.maxRequestSize(configs);
    Object guarantee = configs.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
    exactlyOnce = guarantee != null && !StreamsConfig.AT_LEAST_ONCE.equals(guarantee.toString());
    failures = WriteFailures.in(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    Optional<String> cause = causeInRecord(record, exception);
    if (cause.isEmpty()) {
      return Response.fail();
    }
    String reason = "cannot write to " + record.topic() + ": " + cause.get();
    failures.ifPresent(noted -> noted.note(record.topic(), record.key(), reason));
    if (exactlyOnce) {
      LOG.warn(
          "{}: {}; the transaction is rolled back and the record dead-lettered when it is met again",
          stage,
          reason);
      return Response.fail();
    }
    LOG.warn("{}: {}; dead-lettered", stage, reason);
    if (deadLetterTopic == null || deadLetterTopic.equals(record.topic())) {
      return Response.resume();
    }
    DeadLetter letter =
        DeadLetter.of(record.key(), record.value(), record.headers().toArray())
            .reason(stage, reason)
            .source(context.topic(), context.partition(), context.offset())
            .target(record.topic())
            .at(clock.millis())
            .fitTo(maxRequestSize);
    return Response.resume(List.of(letter.toProducerRecord(deadLetterTopic)));
  }

  /** Why this record, and not the cluster, is at fault; empty when it is not. */
  static Optional<String> causeInRecord(
      ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      int size =
          (record.key() == null ? 0 : record.key().length)
              + (record.value() == null ? 0 : record.value().length);
      return Optional.of(
          "record of " + size + " bytes is too large (" + exception.getMessage() + ")");
    }
    if (exception instanceof UnknownTopicOrPartitionException) {
      return Optional.of("no such topic (" + exception.getMessage() + ")");
    }
    // The producer's wait for a topic's metadata, the form a missing topic takes when topics are
    // not
    // created on demand.
    if (exception instanceof TimeoutException
        && exception.getMessage() != null
        && exception.getMessage().contains("not present in metadata")) {
      return Optional.of("no such topic (" + exception.getMessage() + ")");
    }
    return Optional.empty();
  }
}
