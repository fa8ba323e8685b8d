package dev.gatestream.serdes;

import dev.gatestream.topics.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Registers the value schema of every Avro topic in the catalogue under the topic's subject and
 * puts the subject under the configured compatibility rule, so a later incompatible change is
 * refused by the registry instead of breaking consumers. Registration goes through the same
 * serializer producers use, so the registered content is exactly what they look up (Apicurio's
 * serializers register nested record types as references, which a hand-written registration would
 * not match).
 */
public final class SchemaApplier {

  /**
   * @param id the schema id as the Confluent wire format carries it
   */
  public record Registration(String subject, int id) {}

  private final SchemaRegistryAdmin registry;
  private final GatestreamSerdes serdes;
  private final String compatibility;

  /**
   * @param serdes registry-backed serdes with auto-registration on
   */
  public SchemaApplier(
      SchemaRegistryAdmin registry, GatestreamSerdes serdes, String compatibility) {
    this.registry = registry;
    this.serdes = serdes;
    this.compatibility = compatibility;
  }

  public List<Registration> apply(Collection<TopicSpec<?, ?>> topics) {
    registry.setGlobalCompatibility(compatibility);
    List<Registration> registrations = new ArrayList<>();
    for (TopicSpec<?, ?> topic : topics) {
      if (SpecificRecord.class.isAssignableFrom(topic.valueType())) {
        String subject = topic.valueSubject();
        registrations.add(new Registration(subject, register(topic)));
        registry.setCompatibility(subject, compatibility);
      }
    }
    return registrations;
  }

  /** Serializes a minimal instance to the topic's subject and reads the id off the wire format. */
  @SuppressWarnings("unchecked")
  private <V> int register(TopicSpec<?, V> topic) {
    V sample = (V) Contracts.minimalInstance(topic.valueType().asSubclass(SpecificRecord.class));
    byte[] bytes = serdes.valueSerde(topic).serializer().serialize(topic.name(), sample);
    return java.nio.ByteBuffer.wrap(bytes, 1, 4).getInt();
  }
}
