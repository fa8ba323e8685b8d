package dev.gatestream.adaptation;

import dev.gatestream.clients.RegistryClients;
import dev.gatestream.serdes.TransientFailures;
import java.io.IOException;
import java.io.Serializable;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one topic's Avro values with Gatestream's registry serdes and converts them to the job's
 * plain records right away, so no Avro object travels through Flink. Records that do not decode are
 * counted and handed to {@link OnMalformed}, which skips them or passes them on for the dead-letter
 * topic: one bad record must not stop learning. A registry that cannot be reached is no fault of
 * the record: the serdes retry it, and past their budget the task fails and restarts from its
 * checkpoint, so that the record is read again rather than lost.
 */
final class AvroEventDeserializer<A extends SpecificRecord, T>
    implements KafkaRecordDeserializationSchema<T> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AvroEventDeserializer.class);

  /** What becomes of a record that does not decode. */
  @FunctionalInterface
  interface OnMalformed<T> extends Serializable {
    /**
     * @param reason why it does not decode, in the words of the streams stages' dead letters
     * @return what to emit in its place, if anything
     */
    Optional<T> handle(ConsumerRecord<byte[], byte[]> record, String reason);

    /** Skips it (counted): another stage dead-letters the records of this topic. */
    static <T> OnMalformed<T> skip() {
      return (record, reason) -> Optional.empty();
    }
  }

  private final RegistryClients registry;
  private final Class<A> avroType;
  private final String what;
  private final SerializableFunction<A, T> convert;
  private final OnMalformed<T> onMalformed;
  private final Class<T> type;
  private transient Deserializer<A> deserializer;
  private transient Counter malformed;

  /**
   * @param what the record, as a dead letter's reason names it ("cannot read WHAT: ...")
   */
  AvroEventDeserializer(
      RegistryClients registry,
      Class<A> avroType,
      String what,
      SerializableFunction<A, T> convert,
      OnMalformed<T> onMalformed,
      Class<T> type) {
    this.registry = registry;
    this.avroType = avroType;
    this.what = what;
    this.convert = convert;
    this.onMalformed = onMalformed;
    this.type = type;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    deserializer = registry.serdes(false).avro(avroType, false).deserializer();
    malformed = context.getMetricGroup().counter("malformedRecords");
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out)
      throws IOException {
    if (record.value() == null) {
      malformed(record, "an empty record", out);
      return;
    }
    T event;
    try {
      A avro = deserializer.deserialize(record.topic(), record.headers(), record.value());
      if (avro == null) {
        malformed(record, "an empty record", out);
        return;
      }
      event = convert.apply(avro);
    } catch (RuntimeException e) {
      if (TransientFailures.isTransient(e)) {
        throw new IOException(
            "cannot read "
                + record.topic()
                + "-"
                + record.partition()
                + "@"
                + record.offset()
                + " for now: "
                + e.getMessage(),
            e);
      }
      malformed(record, e.getMessage() != null ? e.getMessage() : e.toString(), out);
      return;
    }
    // A conversion to null: a record of the topic the job has no use for.
    if (event != null) {
      out.collect(event);
    }
  }

  private void malformed(ConsumerRecord<byte[], byte[]> record, String cause, Collector<T> out) {
    malformed.inc();
    String reason = "cannot read " + what + ": " + cause;
    LOG.warn(
        "undecodable record at {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        reason);
    onMalformed.handle(record, reason).ifPresent(out::collect);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }
}
