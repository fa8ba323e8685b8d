package dev.gatestream.serdes;

import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serdes through Apicurio Registry 2.x, in the Confluent wire format (magic byte 0, 4-byte
 * schema id, Avro binary), so Confluent-compatible consumers can read them through the registry's
 * {@code /apis/ccompat/v7} API; the id is the registry's content id, which is what that API calls a
 * schema id.
 *
 * <p>One serde per record type is shared by everything in the JVM that asks for it, and the first
 * serialization of a type (which registers its schema) happens under a lock: Apicurio's in-memory
 * storage fails when two clients register the same new content at the same moment.
 */
public final class RegistrySerdes implements GatestreamSerdes, AutoCloseable {

  private final String registryBaseUrl;
  private final boolean autoRegister;
  private final Map<String, Object> clientSettings;
  private final Map<String, Serde<?>> serdes = new ConcurrentHashMap<>();
  private final Map<String, Serde<?>> opened = new ConcurrentHashMap<>();

  /**
   * @param registryBaseUrl base URL of an Apicurio Registry 2.x, e.g. {@code http://127.0.0.1:8085}
   * @param autoRegister whether serializers register schemas they do not find
   */
  public RegistrySerdes(String registryBaseUrl, boolean autoRegister) {
    this(registryBaseUrl, autoRegister, Map.of());
  }

  /**
   * @param clientSettings Apicurio client settings (TLS trust, authentication) added to every
   *     serde's configuration; made by {@link dev.gatestream.clients.RegistryClients}
   */
  public RegistrySerdes(
      String registryBaseUrl, boolean autoRegister, Map<String, Object> clientSettings) {
    this.registryBaseUrl = RegistryUrls.base(registryBaseUrl);
    this.autoRegister = autoRegister;
    this.clientSettings = Map.copyOf(clientSettings);
  }

  public String registryBaseUrl() {
    return registryBaseUrl;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends SpecificRecord> Serde<T> avro(Class<T> type, boolean isKey) {
    String key = type.getName() + (isKey ? "#key" : "#value");
    return (Serde<T>)
        serdes.computeIfAbsent(
            key,
            k -> {
              Serde<T> apicurio =
                  Serdes.serdeFrom(new AvroKafkaSerializer<>(), new AvroKafkaDeserializer<>());
              apicurio.configure(avroConfig(isKey), isKey);
              opened.put(k, apicurio);
              return Serdes.serdeFrom(
                  new RegisterOnce<>(apicurio.serializer()), new Shared<>(apicurio.deserializer()));
            });
  }

  /** The Apicurio settings behind {@link #avro}; usable as-is in a producer or consumer config. */
  public Map<String, Object> avroConfig(boolean isKey) {
    Map<String, Object> config = new HashMap<>(clientSettings);
    config.put(SerdeConfig.REGISTRY_URL, RegistryUrls.nativeApi(registryBaseUrl));
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT, autoRegister);
    config.put(SerdeConfig.AUTO_REGISTER_ARTIFACT_IF_EXISTS, "RETURN_OR_UPDATE");
    // Confluent wire format: the schema id in the payload, not in Apicurio's headers.
    config.put(SerdeConfig.ENABLE_HEADERS, false);
    config.put(SerdeConfig.ID_HANDLER, Legacy4ByteIdHandler.class.getName());
    config.put(SerdeConfig.USE_ID, "contentId");
    config.put(AvroKafkaSerdeConfig.USE_SPECIFIC_AVRO_READER, true);
    config.put(SerdeConfig.IS_KEY, isKey);
    return config;
  }

  @Override
  public void close() {
    opened.values().forEach(Serde::close);
    opened.clear();
    serdes.clear();
  }

  /**
   * Serializes the first record of its type under a lock; clients' close() leaves it open for
   * others.
   */
  private static final class RegisterOnce<T> implements Serializer<T> {
    private final Serializer<T> delegate;
    private volatile boolean registered;

    RegisterOnce(Serializer<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public byte[] serialize(String topic, T data) {
      if (registered) {
        return delegate.serialize(topic, data);
      }
      synchronized (this) {
        byte[] bytes = delegate.serialize(topic, data);
        registered = data != null;
        return bytes;
      }
    }

    @Override
    public void close() {
      // shared: closed with the RegistrySerdes that made it
    }
  }

  private static final class Shared<T> implements Deserializer<T> {
    private final Deserializer<T> delegate;

    Shared(Deserializer<T> delegate) {
      this.delegate = delegate;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      return delegate.deserialize(topic, data);
    }

    @Override
    public void close() {
      // shared: closed with the RegistrySerdes that made it
    }
  }
}
