package dev.gatestream.serdes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Confluent wire format with schema ids assigned in memory. The bytes look exactly like the
 * registry-backed ones, so code under test sees the same framing, but ids mean nothing outside this
 * instance.
 */
final class InMemorySerdes implements GatestreamSerdes {

  private static final byte MAGIC = 0;

  private final Map<Schema, Integer> idsBySchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  @Override
  public <T extends SpecificRecord> Serde<T> avro(Class<T> type, boolean isKey) {
    Schema schema = SpecificData.get().getSchema(type);
    int id =
        idsBySchema.computeIfAbsent(
            schema,
            s -> {
              int next = schemasById.size() + 1;
              schemasById.put(next, s);
              return next;
            });
    Serializer<T> serializer = (topic, record) -> record == null ? null : write(id, schema, record);
    Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : read(bytes, schema);
    return Serdes.serdeFrom(serializer, deserializer);
  }

  private static <T> byte[] write(int id, Schema schema, T record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      out.write(MAGIC);
      out.write(ByteBuffer.allocate(4).putInt(id).array());
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<T>(schema).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot write " + schema.getName() + ": " + e.getMessage(), e);
    }
  }

  private <T> T read(byte[] bytes, Schema readerSchema) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (bytes.length < 5 || buffer.get() != MAGIC) {
      throw new SerializationException("not in the Confluent wire format (no magic byte 0)");
    }
    int id = buffer.getInt();
    Schema writerSchema = schemasById.get(id);
    if (writerSchema == null) {
      throw new SerializationException("unknown schema id " + id);
    }
    try {
      return new SpecificDatumReader<T>(writerSchema, readerSchema)
          .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "cannot read " + readerSchema.getName() + " (schema id " + id + "): " + e.getMessage(),
          e);
    }
  }
}
