package dev.gatestream.serdes;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of a stage's internal state (store values and their changelogs): Avro single-object
 * encoding, which carries the schema fingerprint instead of a registry id, so state needs no
 * registry round trip.
 */
public final class StateSerde {

  private StateSerde() {}

  public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    org.apache.avro.Schema schema = model.getSchema(type);
    BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(model, schema);
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(model, schema);
    Serializer<T> serializer =
        (topic, value) -> {
          if (value == null) {
            return null;
          }
          try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
          } catch (IOException e) {
            throw new SerializationException("cannot encode " + type.getSimpleName(), e);
          }
        };
    Deserializer<T> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return decoder.decode(bytes);
          } catch (IOException e) {
            throw new SerializationException(
                "cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
