package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One version of a CustomResourceDefinition's schema, checked as the API server checks it with
 * strict field validation ({@code kubectl apply --validate=strict}): a field the schema does not
 * declare is an error, unless the schema keeps unknown fields there
 * (x-kubernetes-preserve-unknown-fields).
 */
final class CrdSchema {

  private static final YAMLMapper YAML = new YAMLMapper();

  private final Schema schema;

  private CrdSchema(Schema schema) {
    this.schema = schema;
  }

  /** The schema of {@code version} in the CRD at this classpath resource. */
  static CrdSchema load(String resource, String version) {
    JsonNode crd;
    try (InputStream in = CrdSchema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no CRD at " + resource);
      }
      crd = YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        ObjectNode openApi = v.path("schema").path("openAPIV3Schema").deepCopy();
        // every object has these, whether its CRD's schema spells them out or not
        ObjectNode properties = openApi.with("properties");
        properties.putIfAbsent("apiVersion", YAML.createObjectNode().put("type", "string"));
        properties.putIfAbsent("kind", YAML.createObjectNode().put("type", "string"));
        properties.putIfAbsent("metadata", YAML.createObjectNode().put("type", "object"));
        closeObjects(openApi);
        return new CrdSchema(
            SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(openApi));
      }
    }
    throw new IllegalStateException(resource + " has no version " + version);
  }

  /**
   * @throws InvalidManifestException for the first error, with the path of the field at fault
   */
  void validate(JsonNode resource) {
    List<Error> errors = schema.validate(resource);
    if (errors.isEmpty()) {
      return;
    }
    Error first = errors.get(0);
    String path = dotted(first.getInstanceLocation().toString());
    if ("additionalProperties".equals(first.getKeyword()) && first.getProperty() != null) {
      path = (path.isEmpty() ? "" : path + ".") + first.getProperty();
    }
    throw new InvalidManifestException(path, first.getMessage());
  }

  /** A JSON pointer ({@code /spec/triggers/0}) as the rest of the checks spell paths. */
  private static String dotted(String pointer) {
    StringBuilder path = new StringBuilder();
    for (String segment : pointer.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      if (segment.matches("\\d+")) {
        path.append('[').append(segment).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".")
            .append(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return path.toString();
  }

  /** Declared properties become the only ones allowed, where the schema does not say otherwise. */
  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.has("additionalProperties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        object.put("additionalProperties", false);
      }
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        closeObjects(field.getValue());
      }
    } else if (node.isArray()) {
      node.forEach(CrdSchema::closeObjects);
    }
  }
}
