package dev.gatestream.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.config.SslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** deploy/k8s as committed: every file used, every resource fitting its model, and consistent. */
class DeployManifestsTest {

  static final Path HOME = Path.of(System.getProperty("gatestream.home", "../..")).toAbsolutePath();
  static final Path K8S = HOME.resolve("deploy/k8s");

  private final ManifestValidator validator = new ManifestValidator();

  static Stream<Path> overlays() throws IOException {
    try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
      List<Path> found = dirs.filter(Files::isDirectory).sorted().toList();
      assertThat(found).extracting(p -> p.getFileName().toString()).contains("dev", "production");
      return found.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyResourceFitsItsModel(Path overlay) throws IOException {
    KustomizeTree tree = KustomizeTree.of(overlay);
    Map<String, JsonNode> resources = new HashMap<>();
    for (KustomizeTree.Document doc : tree.documents()) {
      if (!doc.patch()) {
        check(doc, doc.resource());
        resources.put(key(doc.resource()), doc.resource());
      }
    }
    // a patch is checked as what it makes of its target, as Kustomize merges it
    for (KustomizeTree.Document doc : tree.documents()) {
      if (doc.patch()) {
        JsonNode target = resources.get(key(doc.resource()));
        if (target == null) {
          fail(doc.where() + " patches nothing the overlay has");
        }
        check(doc, merge(target.deepCopy(), doc.resource()));
      }
    }
    assertThat(resources.keySet())
        .contains(
            "kafka.strimzi.io/v1beta2/Kafka gatestream",
            "flink.apache.org/v1beta1/FlinkDeployment adaptation",
            "apps/v1/Deployment router",
            "apps/v1/Deployment fusion",
            "apps/v1/Deployment gateway",
            "apps/v1/Deployment registry",
            "keda.sh/v1alpha1/ScaledObject gateway");
  }

  @Test
  void everyFileIsUsedByAnOverlay() throws IOException {
    Set<Path> used = new HashSet<>();
    for (Path overlay : overlays().toList()) {
      used.addAll(KustomizeTree.of(overlay).files());
    }
    List<Path> unused = new ArrayList<>();
    for (Path root : List.of(K8S, HOME.resolve("deploy/grafana"))) {
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(Files::isRegularFile)
            .filter(f -> !f.startsWith(K8S.resolve("src")) && !f.startsWith(K8S.resolve("target")))
            .filter(f -> f.toString().matches(".*\\.(ya?ml|json|properties)$"))
            .map(f -> f.toAbsolutePath().normalize())
            .filter(f -> !used.contains(f))
            .forEach(unused::add);
      }
    }
    assertThat(unused).as("files no kustomization lists").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodAuthenticatesAsAGeneratedUser(Path overlay) throws IOException {
    Set<String> users = new HashSet<>();
    Set<String> credentials = new HashSet<>();
    for (KustomizeTree.Document doc : KustomizeTree.of(overlay).documents()) {
      JsonNode resource = doc.resource();
      if (resource.path("kind").asText().equals("KafkaUser")) {
        users.add(resource.path("metadata").path("name").asText());
      }
      resource
          .findParents("secretKeyRef")
          .forEach(
              parent -> {
                JsonNode ref = parent.get("secretKeyRef");
                if (ref.path("key").asText().equals("sasl.jaas.config")) {
                  credentials.add(ref.path("name").asText());
                }
              });
    }
    assertThat(credentials).hasSizeGreaterThanOrEqualTo(5);
    assertThat(users).containsAll(credentials);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void expertsScaleAtMostToTheirTaskTopicsPartitions(Path overlay) throws IOException {
    Map<String, Integer> partitions = new HashMap<>();
    List<JsonNode> scaled = new ArrayList<>();
    for (KustomizeTree.Document doc : KustomizeTree.of(overlay).documents()) {
      JsonNode r = doc.resource();
      if (r.path("kind").asText().equals("KafkaTopic")) {
        partitions.put(
            r.path("spec").path("topicName").asText(), r.path("spec").path("partitions").asInt());
      }
      if (r.path("kind").asText().equals("ScaledObject")
          && r.path("spec").path("triggers").path(0).path("type").asText().equals("kafka")) {
        scaled.add(r);
      }
    }
    assertThat(scaled).hasSize(2);
    for (JsonNode s : scaled) {
      String topic =
          s.path("spec").path("triggers").path(0).path("metadata").path("topic").asText();
      assertThat(partitions).containsKey(topic);
      assertThat(s.path("spec").path("maxReplicaCount").asInt()).isEqualTo(partitions.get(topic));
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodMountsTheSettingsAndTheCaWhereTheSettingsSay(Path overlay) throws IOException {
    GatestreamConfig config =
        new ConfigLoader(Map.of()).load(overlay.resolve("gatestream.properties"), Map.of());
    String truststore =
        config
            .originals()
            .get(GatestreamConfig.KAFKA_PREFIX + SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)
            .toString();
    String experts = config.getString(GatestreamConfig.EXPERTS_FILE);
    int pods = 0;
    for (KustomizeTree.Document doc : KustomizeTree.of(overlay).documents()) {
      JsonNode pod =
          doc.resource().path("kind").asText().equals("FlinkDeployment")
              ? doc.resource().at("/spec/podTemplate/spec")
              : doc.resource().at("/spec/template/spec");
      if (doc.patch() || pod.isMissingNode() || !pod.toString().contains("gatestream-config")) {
        continue;
      }
      pods++;
      Map<String, String> mounts = new HashMap<>();
      for (JsonNode mount : pod.at("/containers/0/volumeMounts")) {
        mounts.put(mount.path("name").asText(), mount.path("mountPath").asText());
      }
      assertThat(Path.of(truststore).getParent().toString())
          .as(doc.where() + " kafka-ca mount")
          .isEqualTo(mounts.get("kafka-ca"));
      assertThat(Path.of(experts).getParent().toString())
          .as(doc.where() + " config mount")
          .isEqualTo(mounts.get("config"))
          .isEqualTo(Path.of(ExpertWorkloads.CONFIG_FILE).getParent().toString());
    }
    // router, fusion, gateway, adaptation and the two experts
    assertThat(pods).isEqualTo(6);
  }

  private void check(KustomizeTree.Document doc, JsonNode resource) {
    try {
      validator.validate(resource);
    } catch (InvalidManifestException e) {
      fail(doc.where() + ": " + e.getMessage());
    }
  }

  private static String key(JsonNode resource) {
    return ManifestValidator.type(resource) + " " + resource.path("metadata").path("name").asText();
  }

  /** JSON merge patch (RFC 7386): objects merge field by field, anything else replaces. */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (!(target instanceof ObjectNode object) || !patch.isObject()) {
      return patch;
    }
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      JsonNode existing = object.get(field.getKey());
      object.set(
          field.getKey(), existing == null ? field.getValue() : merge(existing, field.getValue()));
    }
    return object;
  }
}
