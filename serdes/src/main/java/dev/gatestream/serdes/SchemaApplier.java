package dev.gatestream.serdes;

import dev.gatestream.topics.TopicSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Registers the value schema of every Avro topic in the catalogue under the topic's subject and puts
 * the subject under the configured compatibility rule, so a later incompatible change is refused by the
 * registry instead of breaking consumers.
 */
public final class SchemaApplier {

  /** @param id the schema id as the Confluent wire format carries it */
  public record Registration(String subject, int id) {}

  private final SchemaRegistryAdmin registry;
  private final String compatibility;

  public SchemaApplier(SchemaRegistryAdmin registry, String compatibility) {
    this.registry = registry;
    this.compatibility = compatibility;
  }

  public List<Registration> apply(Collection<TopicSpec<?, ?>> topics) {
    registry.setGlobalCompatibility(compatibility);
    List<Registration> registrations = new ArrayList<>();
    for (TopicSpec<?, ?> topic : topics) {
      if (SpecificRecord.class.isAssignableFrom(topic.valueType())) {
        String subject = topic.valueSubject();
        int id = registry.register(subject, Contracts.schemaOf(topic.valueType()));
        registry.setCompatibility(subject, compatibility);
        registrations.add(new Registration(subject, id));
      }
    }
    return registrations;
  }
}
