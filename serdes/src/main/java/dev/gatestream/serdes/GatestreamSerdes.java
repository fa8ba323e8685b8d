package dev.gatestream.serdes;

import dev.gatestream.topics.TopicSpec;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Makes the serdes of the topic catalogue. Avro values go through Apicurio's serdes in the Confluent
 * wire format (magic byte 0, 4-byte schema id, Avro binary), so Confluent-compatible consumers can read
 * them through the registry's {@code /apis/ccompat/v7} API; the id is the registry's content id, which is
 * what that API calls a schema id.
 */
public final class GatestreamSerdes {

  private final String registryBaseUrl;
  private final boolean autoRegister;

  /**
   * @param registryBaseUrl base URL of an Apicurio Registry 2.x, e.g. {@code http://127.0.0.1:8085}
   * @param autoRegister whether serializers register schemas they do not find
   */
  public GatestreamSerdes(String registryBaseUrl, boolean autoRegister) {
    this.registryBaseUrl = RegistryUrls.base(registryBaseUrl);
    this.autoRegister = autoRegister;
  }

  public String registryBaseUrl() {
    return registryBaseUrl;
  }

  public <K> Serde<K> keySerde(TopicSpec<K, ?> topic) {
    return forType(topic.keyType(), true);
  }

  public <V> Serde<V> valueSerde(TopicSpec<?, V> topic) {
    return forType(topic.valueType(), false);
  }

  /** An Avro serde for one generated record type, configured and ready to use. */
  public <T extends SpecificRecord> Serde<T> avro(Class<T> type, boolean isKey) {
    Serde<T> serde = Serdes.serdeFrom(new AvroKafkaSerializer<>(), new AvroKafkaDeserializer<>());
    serde.configure(avroConfig(isKey), isKey);
    return serde;
  }

  /** The Apicurio settings behind {@link #avro}; usable as-is in a producer or consumer config. */
  public Map<String, Object> avroConfig(boolean isKey) {
    Map<String, Object> config = new HashMap<>();
    config.put(SerdeConfig.REGISTRY_URL, RegistryUrls.nativeApi(registryBaseUrl));
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, autoRegister);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "RETURN_OR_UPDATE");
    // Confluent wire format: schema id in the payload, not in Apicurio's headers.
    config.put(SerdeConfig.ENABLE_HEADERS, false);
    config.put(SerdeConfig.ENABLE_CONFLUENT_ID_HANDLER, true);
    config.put(SerdeConfig.USE_ID, "contentId");
    config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    config.put(SerdeConfig.IS_KEY, isKey);
    return config;
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
