package dev.gatestream.serdes;

import io.apicurio.registry.resolver.SchemaResolverConfig;
import io.apicurio.registry.serde.Legacy4ByteIdHandler;
import io.apicurio.registry.serde.SerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerdeConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.apache.avro.specific.SpecificData;
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
 *
 * <p>A registry outage only matters for what is not cached yet: a schema id not read before, a type
 * not written before. Those calls go through a {@link RegistryRetry} (bounded attempts, backoff,
 * counted in {@link #transientRetries()}), so a transient failure waits for the registry instead of
 * failing the record; what is cached is never looked up again, as content ids never change.
 */
public final class RegistrySerdes implements GatestreamSerdes, AutoCloseable {

  public static final String RETRIES_METER = "gatestream.registry.retries";

  private static final Duration CACHE_LIFETIME = Duration.ofDays(3650);

  private final String registryBaseUrl;
  private final boolean autoRegister;
  private final Map<String, Object> clientSettings;
  private final Map<String, Serde<?>> serdes = new ConcurrentHashMap<>();
  private final Map<String, Serde<?>> opened = new ConcurrentHashMap<>();
  private final LongAdder retries = new LongAdder();
  private final RegistryRetry retry;
  private final List<Runnable> unbind = new CopyOnWriteArrayList<>();

  /**
   * @param registryBaseUrl base URL of an Apicurio Registry 2.x, e.g. {@code http://127.0.0.1:8085}
   * @param autoRegister whether serializers register schemas they do not find
   */
  public RegistrySerdes(String registryBaseUrl, boolean autoRegister) {
    this(registryBaseUrl, autoRegister, Map.of(), RegistryRetry.Policy.defaults());
  }

  /**
   * @param clientSettings Apicurio client settings (TLS trust, authentication) added to every
   *     serde's configuration; made by {@link dev.gatestream.clients.RegistryClients}
   */
  public RegistrySerdes(
      String registryBaseUrl, boolean autoRegister, Map<String, Object> clientSettings) {
    this(registryBaseUrl, autoRegister, clientSettings, RegistryRetry.Policy.defaults());
  }

  /**
   * @param retryPolicy how calls for what is not cached yet are retried while the registry fails
   */
  public RegistrySerdes(
      String registryBaseUrl,
      boolean autoRegister,
      Map<String, Object> clientSettings,
      RegistryRetry.Policy retryPolicy) {
    this.registryBaseUrl = RegistryUrls.base(registryBaseUrl);
    this.autoRegister = autoRegister;
    this.clientSettings = Map.copyOf(clientSettings);
    this.retry = new RegistryRetry(retryPolicy, (what, attempt, reason) -> retries.increment());
  }

  /** Registry calls retried after a transient failure, so far. */
  public long transientRetries() {
    return retries.sum();
  }

  /**
   * Counts {@link #transientRetries()} on {@code meters} as {@value #RETRIES_METER}, until closed.
   */
  public RegistrySerdes countRetriesOn(MeterRegistry meters) {
    FunctionCounter counter =
        FunctionCounter.builder(RETRIES_METER, retries, LongAdder::doubleValue)
            .description("Schema registry calls retried after a transient failure")
            .register(meters);
    unbind.add(() -> meters.remove(counter));
    return this;
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
              // The generated classes' own encoders (where the schema allows them) skip Avro's
              // per-field reflection: a fifth to a third more records/s through the Avro
              // pass-through.
              SpecificData.getForClass(type).setCustomCoders(true);
              Serde<T> apicurio =
                  Serdes.serdeFrom(new AvroKafkaSerializer<>(), new AvroKafkaDeserializer<>());
              apicurio.configure(avroConfig(isKey), isKey);
              opened.put(k, apicurio);
              return Serdes.serdeFrom(
                  new RegisterOnce<>(apicurio.serializer(), retry),
                  new Shared<>(apicurio.deserializer(), retry));
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
    config.put(SerdeConfig.SCHEMA_RESOLVER, OncePerSchemaResolver.class.getName());
    config.put(SerdeConfig.IS_KEY, isKey);
    // What a content id names never changes: keep it, so that a registry outage cannot fail a
    // lookup that succeeded once (Apicurio refreshes every 30 s by default, and a failed refresh
    // fails the record).
    config.put(SchemaResolverConfig.CHECK_PERIOD_MS, CACHE_LIFETIME.toMillis());
    return config;
  }

  @Override
  public void close() {
    unbind.forEach(Runnable::run);
    unbind.clear();
    retry.close();
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
    private final RegistryRetry retry;
    private volatile boolean registered;

    RegisterOnce(Serializer<T> delegate, RegistryRetry retry) {
      this.delegate = delegate;
      this.retry = retry;
    }

    @Override
    public byte[] serialize(String topic, T data) {
      if (registered) {
        return delegate.serialize(topic, data);
      }
      synchronized (this) {
        byte[] bytes =
            retry.call(
                "write the first record of its type to " + topic,
                () -> delegate.serialize(topic, data));
        registered = data != null;
        return bytes;
      }
    }

    @Override
    public void close() {
      // shared: closed with the RegistrySerdes that made it
    }
  }

  /** Reads through the registry only for a schema id not read before, with retries. */
  private static final class Shared<T> implements Deserializer<T> {
    private final Deserializer<T> delegate;
    private final RegistryRetry retry;
    private final Set<Integer> cachedIds = ConcurrentHashMap.newKeySet();

    Shared(Deserializer<T> delegate, RegistryRetry retry) {
      this.delegate = delegate;
      this.retry = retry;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
      Integer id = schemaId(data);
      if (id == null || cachedIds.contains(id)) {
        // Cached, or not the wire format at all (the deserializer rejects it without a request).
        return delegate.deserialize(topic, data);
      }
      T value =
          retry.call(
              "read a record of " + topic + " (schema id " + id + ")",
              () -> delegate.deserialize(topic, data));
      cachedIds.add(id);
      return value;
    }

    /** The schema id of a record in the Confluent wire format; null for anything else. */
    private static Integer schemaId(byte[] data) {
      if (data == null || data.length < 5 || data[0] != 0) {
        return null;
      }
      return ByteBuffer.wrap(data, 1, 4).getInt();
    }

    @Override
    public void close() {
      // shared: closed with the RegistrySerdes that made it
    }
  }
}
