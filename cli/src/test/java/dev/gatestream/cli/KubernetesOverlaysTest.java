package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.ExpertSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The settings and experts file of each deploy/k8s overlay are what the pods can start from: the
 * experts file (mounted at /etc/gatestream in a pod, read from the overlay here) describes every
 * listed expert with a real backend.
 */
class KubernetesOverlaysTest {

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void everyListedExpertHasABackendInTheExpertsFile(String overlay) {
    Path dir = GlobalOptions.home().resolve("deploy/k8s/overlays").resolve(overlay);
    GatestreamConfig config =
        new ConfigLoader(Map.of())
            .load(
                dir.resolve("gatestream.properties"),
                Map.of(GatestreamConfig.EXPERTS_FILE, dir.resolve("experts.json").toString()));

    List<ExpertSpec> experts = ExpertCatalog.load(config, GlobalOptions.home());

    assertThat(experts)
        .extracting(ExpertSpec::name)
        .containsExactlyElementsOf(config.getList(GatestreamConfig.EXPERTS));
    assertThat(experts)
        .allSatisfy(e -> assertThat(e.backend()).isInstanceOf(BackendSettings.OpenAiChat.class));
    assertThat(config.usesExternalCluster()).isTrue();
  }
}
