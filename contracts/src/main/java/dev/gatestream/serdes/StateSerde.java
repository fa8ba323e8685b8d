package dev.gatestream.serdes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
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
 *
 * <p>State written by an earlier version stays readable: every schema a type's state was ever
 * written with is kept in {@code state-history/<Type>-<n>.avsc} beside this class (add the old
 * schema there when a change of the type, or of a type it holds, changes its fingerprint), and
 * records in those are resolved to the current schema.
 */
public final class StateSerde {

  private StateSerde() {}

  public static <T extends SpecificRecord> Serde<T> of(Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    model.setCustomCoders(true);
    Schema schema = model.getSchema(type);
    BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(model, schema);
    BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(model, schema);
    history(type).forEach(decoder::addSchema);
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

  /** The schemas earlier versions wrote {@code type}'s state with, oldest first. */
  static List<Schema> history(Class<?> type) {
    List<Schema> schemas = new ArrayList<>();
    for (int version = 1; ; version++) {
      String name = "state-history/" + type.getSimpleName() + "-" + version + ".avsc";
      try (InputStream in = StateSerde.class.getResourceAsStream(name)) {
        if (in == null) {
          return schemas;
        }
        schemas.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + name, e);
      }
    }
  }
}
