package dev.gatestream.serdes;

import dev.gatestream.topics.TopicSpec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Makes the serdes of the topic catalogue: strings and raw bytes as they are, Avro records in the
 * Confluent wire format (magic byte 0, 4-byte schema id, Avro binary).
 */
public interface GatestreamSerdes {

  /** Serdes backed by an Apicurio Registry 2.x at this base URL: what every deployment uses. */
  static GatestreamSerdes registry(String registryBaseUrl, boolean autoRegister) {
    return new RegistrySerdes(registryBaseUrl, autoRegister);
  }

  /**
   * Serdes with schema ids kept in memory: for unit tests and offline tools, never across
   * processes.
   */
  static GatestreamSerdes inMemory() {
    return new InMemorySerdes();
  }

  /** An Avro serde for one generated record type, configured and ready to use. */
  <T extends SpecificRecord> Serde<T> avro(Class<T> type, boolean isKey);

  default <K> Serde<K> keySerde(TopicSpec<K, ?> topic) {
    return forType(topic.keyType(), true);
  }

  default <V> Serde<V> valueSerde(TopicSpec<?, V> topic) {
    return forType(topic.valueType(), false);
  }

  @SuppressWarnings("unchecked")
  private <T> Serde<T> forType(Class<T> type, boolean isKey) {
    if (type == String.class) {
      return (Serde<T>) Serdes.String();
    }
    if (type == byte[].class) {
      return (Serde<T>) Serdes.ByteArray();
    }
    if (SpecificRecord.class.isAssignableFrom(type)) {
      return (Serde<T>) avro(type.asSubclass(SpecificRecord.class), isKey);
    }
    throw new IllegalArgumentException("no serde for " + type.getName());
  }
}
