package dev.gatestream.serdes;

import io.apicurio.registry.resolver.DefaultSchemaResolver;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.serde.data.KafkaSerdeMetadata;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apicurio's resolver, asked once per topic, key or value, and record class. Apicurio 2.4's
 * resolver renders the record's schema to JSON and looks it up by content on every record, even
 * when its cache holds the answer (it calls the registry path through {@code Optional.orElse}):
 * under the bench that was about a third of every Avro stage's CPU. A specific record class has one
 * writer schema, whose registered id never changes, so the first answer is the answer.
 */
public final class OncePerSchemaResolver<S, T> extends DefaultSchemaResolver<S, T> {

  private final Map<List<Object>, SchemaLookupResult<S>> resolved = new ConcurrentHashMap<>();

  @Override
  public SchemaLookupResult<S> resolveSchema(Record<T> data) {
    if (!(data.metadata() instanceof KafkaSerdeMetadata metadata) || data.payload() == null) {
      return super.resolveSchema(data);
    }
    List<Object> key =
        List.of(metadata.getTopic(), metadata.isKey(), data.payload().getClass().getName());
    SchemaLookupResult<S> known = resolved.get(key);
    if (known != null) {
      return known;
    }
    // Not computeIfAbsent: the lookup may call the registry, which must not run under a map lock.
    SchemaLookupResult<S> result = super.resolveSchema(data);
    resolved.putIfAbsent(key, result);
    return result;
  }

  @Override
  public void reset() {
    resolved.clear();
    super.reset();
  }
}
