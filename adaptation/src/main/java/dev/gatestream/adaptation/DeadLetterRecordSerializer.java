package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.MalformedRecord;
import dev.gatestream.clients.DeadLetter;
import java.time.Clock;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A record the job could not read, as the dead letter every stage writes ({@link DeadLetter}): its
 * bytes cut to fit, with the reason, the stage and where it was read from.
 */
final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<MalformedRecord> {

  private static final long serialVersionUID = 1L;

  /** The stage a dead letter names; the job's service name. */
  static final String STAGE = "adaptation";

  private final String topic;
  private final int maxRequestSize;
  private final Clock clock;

  DeadLetterRecordSerializer(String topic, int maxRequestSize, Clock clock) {
    this.topic = topic;
    this.maxRequestSize = maxRequestSize;
    this.clock = clock;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      MalformedRecord record, KafkaSinkContext context, Long timestamp) {
    return DeadLetter.of(record.key(), record.value(), null)
        .reason(STAGE, record.reason())
        .source(record.topic(), record.partition(), record.offset())
        .at(clock.millis())
        .fitTo(maxRequestSize)
        .toProducerRecord(topic);
  }
}
