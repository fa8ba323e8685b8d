package dev.gatestream.clients;

import dev.gatestream.serdes.TransientFailures;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Kafka Streams stage does with a record its source cannot deserialize: dead-letter it (cut
 * to fit, the reason in a header) and go on. Gatestream's stages read their inputs as bytes and
 * deserialize in their processors, so this catches only what a topology reads through typed
 * sources. A global store's thread cannot write: there the record is skipped and logged. A
 * transient failure (the registry unreachable past its retries) is no fault of the record: the
 * stage fails it, and the record is read again once the thread is replaced.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private final Clock clock;
  private String deadLetterTopic;
  private String stage;
  private int maxRequestSize;

  public DeadLetterDeserializationHandler() {
    this(Clock.systemUTC());
  }

  DeadLetterDeserializationHandler(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetterTopic =
        (String) configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    stage = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
    maxRequestSize = DeadLetter.maxRequestSize(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (TransientFailures.isTransient(exception)) {
      LOG.warn(
          "{}: cannot deserialize a record of {} for now ({}-{}@{}), to be read again: {}",
          stage,
          record.topic(),
          record.topic(),
          record.partition(),
          record.offset(),
          exception.toString());
      return Response.fail();
    }
    String reason =
        "cannot deserialize a record of " + record.topic() + ": " + exception.getMessage();
    // The global thread's task id is -1_-1; it has no producer to write a dead letter with.
    if (deadLetterTopic == null || context.taskId() == null || context.taskId().subtopology() < 0) {
      LOG.warn(
          "{}: {} ({}-{}@{}); skipped",
          stage,
          reason,
          record.topic(),
          record.partition(),
          record.offset());
      return Response.resume();
    }
    LOG.warn("{}: {}; dead-lettered", stage, reason);
    DeadLetter letter =
        DeadLetter.of(record.key(), record.value(), record.headers().toArray())
            .reason(stage, reason)
            .source(record.topic(), record.partition(), record.offset())
            .at(clock.millis())
            .fitTo(maxRequestSize);
    return Response.resume(List.of(letter.toProducerRecord(deadLetterTopic)));
  }
}
