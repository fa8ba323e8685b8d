package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.util.stream.Collectors;

/**
 * Reads resources into the typed models of fabric8, Strimzi and the Flink operator, refusing any
 * field a model does not have. Those models keep unknown fields in an "additional properties" map
 * (so a typo would pass silently); here that map is taken away, so a wrong field fails with its
 * path.
 */
final class StrictModels {

  private static final ObjectMapper MAPPER = strictMapper();

  private StrictModels() {}

  /**
   * @throws InvalidManifestException naming the field's path, e.g. {@code
   *     spec.template.spec.containers[0].imagePullPolicyy}
   */
  static <T> T read(JsonNode resource, Class<T> model) {
    try {
      return MAPPER.treeToValue(resource, model);
    } catch (JsonMappingException e) {
      throw new InvalidManifestException(path(e), e.getOriginalMessage());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidManifestException("", e.getOriginalMessage());
    }
  }

  static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(
            reference ->
                reference.getFieldName() != null
                    ? "." + reference.getFieldName()
                    : "[" + reference.getIndex() + "]")
        .collect(Collectors.joining())
        .replaceFirst("^\\.", "");
  }

  private static ObjectMapper strictMapper() {
    SimpleModule noAdditionalProperties = new SimpleModule("strict-fields");
    noAdditionalProperties.setDeserializerModifier(
        new BeanDeserializerModifier() {
          @Override
          public BeanDeserializerBuilder updateBuilder(
              DeserializationConfig config,
              BeanDescription description,
              BeanDeserializerBuilder builder) {
            builder.setAnySetter(null);
            builder.setIgnoreUnknownProperties(false);
            return builder;
          }
        });
    return JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .addModule(noAdditionalProperties)
        .build();
  }
}
