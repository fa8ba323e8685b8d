package dev.gatestream.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed generated/ files of each overlay are what rendering its settings gives now. */
class GeneratedManifestsTest {

  static Stream<Path> overlays() throws IOException {
    return DeployManifestsTest.overlays();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void committedFilesAreTheRenderedOnes(Path overlay) throws IOException {
    Path home = DeployManifestsTest.HOME;
    Path settings = overlay.resolve("gatestream.properties");
    Path generated = overlay.resolve("generated");
    GatestreamConfig config = new ConfigLoader(Map.of()).load(settings, Map.of());
    ClusterManifests manifests =
        new ClusterManifests(
            config,
            config.getList(GatestreamConfig.EXPERTS),
            ClusterManifests.DEFAULT_CLUSTER,
            ClusterManifests.DEFAULT_LAG_THRESHOLD);
    String regenerate =
        ClusterManifests.renderCommand(
            home.relativize(settings).toString(),
            null,
            ClusterManifests.DEFAULT_CLUSTER,
            ClusterManifests.DEFAULT_LAG_THRESHOLD,
            home.relativize(generated).toString());
    for (Manifest manifest : manifests.manifests()) {
      Path file = generated.resolve(manifest.fileName());
      assertThat(Files.exists(file) ? Files.readString(file) : "(missing)")
          .as("%s is stale; regenerate it with: %s", home.relativize(file), regenerate)
          .isEqualTo(ClusterManifests.text(manifest, regenerate));
    }
    try (Stream<Path> files = Files.list(generated)) {
      List<String> names = manifests.manifests().stream().map(Manifest::fileName).toList();
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("files in %s that rendering does not write", home.relativize(generated))
          .allMatch(names::contains);
    }
  }
}
