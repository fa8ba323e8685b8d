package dev.gatestream.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validation refuses a wrong field, naming its path (fixtures in src/test/resources/broken).
 */
class BrokenManifestsTest {

  private final ManifestValidator validator = new ManifestValidator();

  @ParameterizedTest
  @CsvSource({
    "deployment-unknown-field.yaml, spec.template.spec.containers[0].imagePullPolicyy",
    "deployment-wrong-type.yaml, spec.replicas",
    "kafkauser-unknown-field.yaml, spec.authorization.acls[0].operationz",
    "kafka-unknown-field.yaml, spec.kafka.listeners[0].authentication.mechanism",
    "flinkdeployment-unknown-field.yaml, spec.job.upgradeMod",
    "scaledobject-unknown-field.yaml, spec.maxReplicas",
    "scaledobject-wrong-type.yaml, spec.maxReplicaCount",
    "podmonitor-unknown-field.yaml, spec.podMetricsEndpoints[0].pathh",
  })
  void aWrongFieldFailsWithItsPath(String fixture, String path) throws IOException {
    JsonNode resource = fixture(fixture);
    assertThatThrownBy(() -> validator.validate(resource))
        .isInstanceOfSatisfying(
            InvalidManifestException.class, e -> assertThat(e.path()).isEqualTo(path))
        .hasMessageStartingWith(path + ": ");
  }

  @Test
  void theFixturesAreRightOnceTheirMistakeIsMended() throws IOException {
    JsonNode deployment = fixture("deployment-unknown-field.yaml");
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            deployment.at("/spec/template/spec/containers/0"))
        .remove("imagePullPolicyy");
    validator.validate(deployment);
    JsonNode scaled = fixture("scaledobject-unknown-field.yaml");
    ((com.fasterxml.jackson.databind.node.ObjectNode) scaled.path("spec")).remove("maxReplicas");
    validator.validate(scaled);
  }

  @Test
  void aKindWithoutAModelFails() throws IOException {
    JsonNode resource = fixture("unknown-kind.yaml");
    assertThatThrownBy(() -> validator.validate(resource))
        .isInstanceOf(InvalidManifestException.class)
        .hasMessageContaining("example.com/v1/Widget");
  }

  @Test
  void aKustomizationListingAMissingFileFails() throws URISyntaxException {
    Path dir = Path.of(getClass().getResource("/broken/missing-resource").toURI());
    assertThatThrownBy(() -> KustomizeTree.of(dir))
        .hasMessageContaining("lists router.yaml, which does not exist");
  }

  private JsonNode fixture(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/broken/" + name)) {
      return new YAMLMapper().readTree(in);
    }
  }
}
