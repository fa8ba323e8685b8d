package dev.gatestream.serdes;

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
public final class RegistrySerdes implements GatestreamSerdes {

  private final String registryBaseUrl;
  private final boolean autoRegister;

  /**
   * @param registryBaseUrl base URL of an Apicurio Registry 2.x, e.g. {@code http://127.0.0.1:8085}
   * @param autoRegister whether serializers register schemas they do not find
   */
  public RegistrySerdes(String registryBaseUrl, boolean autoRegister) {
    this.registryBaseUrl = RegistryUrls.base(registryBaseUrl);
    this.autoRegister = autoRegister;
  }

  public String registryBaseUrl() {
    return registryBaseUrl;
  }

  @Override
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
}
