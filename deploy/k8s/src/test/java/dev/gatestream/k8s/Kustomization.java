package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The fields of a kustomization.yaml that this deployment uses; any other field is refused, so a
 * misspelt one fails instead of being ignored.
 */
record Kustomization(
    String apiVersion,
    String kind,
    String namespace,
    List<String> resources,
    List<Patch> patches,
    List<Generator> configMapGenerator,
    List<String> configurations,
    List<Image> images) {

  record Patch(String path, Map<String, String> target) {}

  record Generator(String name, List<String> files, GeneratorOptions options) {}

  record GeneratorOptions(Map<String, String> labels, Boolean disableNameSuffixHash) {}

  record Image(String name, String newName, String newTag) {}

  private static final YAMLMapper STRICT =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  static Kustomization read(Path file) throws IOException {
    Kustomization k = STRICT.readValue(file.toFile(), Kustomization.class);
    if (!"kustomize.config.k8s.io/v1beta1".equals(k.apiVersion())
        || !"Kustomization".equals(k.kind())) {
      throw new InvalidManifestException(
          "apiVersion", file + " is not a kustomize.config.k8s.io/v1beta1 Kustomization");
    }
    return k;
  }

  List<String> resourcesOrEmpty() {
    return resources == null ? List.of() : resources;
  }

  List<Patch> patchesOrEmpty() {
    return patches == null ? List.of() : patches;
  }

  List<Generator> generatorsOrEmpty() {
    return configMapGenerator == null ? List.of() : configMapGenerator;
  }

  List<String> configurationsOrEmpty() {
    return configurations == null ? List.of() : configurations;
  }
}
