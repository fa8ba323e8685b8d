package dev.gatestream.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code kubectl kustomize} really builds from each overlay fits the models too, and every
 * ConfigMap a pod mounts is one the build generated (under its hashed name). Needs kubectl (with
 * its built-in Kustomize) on the PATH; the other tests check the same files without it.
 */
class KustomizeBuildTest {

  static Stream<Path> overlays() throws IOException {
    return DeployManifestsTest.overlays();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theBuiltOverlayFitsTheModels(Path overlay) throws IOException, InterruptedException {
    assertThat(onPath("kubectl"))
        .as("kubectl on the PATH (this test runs with -Pkustomize only)")
        .isTrue();
    List<JsonNode> built = build(overlay);
    ManifestValidator validator = new ManifestValidator();
    Set<String> configMaps = new HashSet<>();
    for (JsonNode resource : built) {
      try {
        validator.validate(resource);
      } catch (InvalidManifestException e) {
        fail(
            ManifestValidator.type(resource)
                + " "
                + resource.at("/metadata/name").asText()
                + ": "
                + e.getMessage());
      }
      if (resource.path("kind").asText().equals("ConfigMap")) {
        configMaps.add(resource.at("/metadata/name").asText());
      }
    }
    List<String> mounted = new ArrayList<>();
    for (JsonNode resource : built) {
      resource.findValues("configMap").forEach(ref -> mounted.add(ref.path("name").asText()));
    }
    assertThat(mounted).hasSizeGreaterThanOrEqualTo(5);
    assertThat(configMaps).containsAll(mounted);
    assertThat(built)
        .allSatisfy(r -> assertThat(r.at("/metadata/namespace").asText()).isNotEmpty());
  }

  private static List<JsonNode> build(Path overlay) throws IOException, InterruptedException {
    Path out = Files.createTempFile("kustomize", ".yaml");
    try {
      Process process =
          new ProcessBuilder("kubectl", "kustomize", overlay.toString())
              .redirectOutput(out.toFile())
              .redirectErrorStream(false)
              .start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("kubectl kustomize " + overlay + " did not finish within 120 s");
      }
      String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as("kubectl kustomize %s: %s", overlay, errors).isZero();
      List<JsonNode> docs = new ArrayList<>();
      YAMLMapper yaml = new YAMLMapper();
      try (var values = yaml.readValues(yaml.createParser(out.toFile()), JsonNode.class)) {
        values.forEachRemaining(docs::add);
      }
      return docs;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
