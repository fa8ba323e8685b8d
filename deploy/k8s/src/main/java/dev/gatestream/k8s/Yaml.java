package dev.gatestream.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;

/** How generated resources are spelled: block YAML, quotes only where YAML needs them. */
final class Yaml {

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .build();

  private Yaml() {}

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** One resource as a YAML document, starting with its "---" separator. */
  static String document(ObjectNode resource) {
    try {
      return "---\n" + MAPPER.writeValueAsString(resource);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
