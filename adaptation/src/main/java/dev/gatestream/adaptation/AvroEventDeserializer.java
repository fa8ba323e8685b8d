package dev.gatestream.adaptation;

import dev.gatestream.clients.RegistryClients;
import dev.gatestream.serdes.TransientFailures;
import java.io.IOException;
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
 * counted and skipped: one bad record must not stop learning. A registry that cannot be reached is
 * no fault of the record: the serdes retry it, and past their budget the task fails and restarts
 * from its checkpoint, so that the record is read again rather than lost.
 */
final class AvroEventDeserializer<A extends SpecificRecord, T>
    implements KafkaRecordDeserializationSchema<T> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AvroEventDeserializer.class);

  private final RegistryClients registry;
  private final Class<A> avroType;
  private final SerializableFunction<A, T> convert;
  private final Class<T> type;
  private transient Deserializer<A> deserializer;
  private transient Counter malformed;

  AvroEventDeserializer(
      RegistryClients registry,
      Class<A> avroType,
      SerializableFunction<A, T> convert,
      Class<T> type) {
    this.registry = registry;
    this.avroType = avroType;
    this.convert = convert;
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
      return;
    }
    T event;
    try {
      event =
          convert.apply(deserializer.deserialize(record.topic(), record.headers(), record.value()));
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
      malformed.inc();
      LOG.warn(
          "skipping undecodable record at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
      return;
    }
    out.collect(event);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return TypeInformation.of(type);
  }
}
