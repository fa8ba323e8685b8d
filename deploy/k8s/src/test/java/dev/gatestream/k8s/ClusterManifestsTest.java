package dev.gatestream.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.clients.AccessMatrix;
import dev.gatestream.clients.ClientIds;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ClusterManifestsTest {

  private static final List<String> EXPERTS = List.of("gpt-4", "llama-3-8b");

  private final GatestreamConfig config =
      new GatestreamConfig(
          Map.of(
              GatestreamConfig.TOPIC_PARTITIONS, "6",
              GatestreamConfig.TOPIC_REPLICATION, "3",
              GatestreamConfig.EXPERT_INSTANCES, "2",
              GatestreamConfig.METRICS_PORT, "9500",
              GatestreamConfig.BOOTSTRAP, "kafka:9093"));

  private final ClusterManifests manifests = new ClusterManifests(config, EXPERTS, "prod", 50);

  @Test
  void aKafkaTopicPerTopicOfTheCatalogue() {
    List<ObjectNode> topics = documents("topics.yaml");
    List<TopicSpec<?, ?>> catalogue = Topics.from(config).all(EXPERTS);
    assertThat(topics).hasSameSizeAs(catalogue);
    for (int i = 0; i < catalogue.size(); i++) {
      TopicSpec<?, ?> spec = catalogue.get(i);
      JsonNode topic = topics.get(i);
      assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
      assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("prod");
      assertThat(topic.at("/spec/topicName").asText()).isEqualTo(spec.name());
      assertThat(topic.at("/spec/partitions").asInt()).isEqualTo(spec.partitions());
      assertThat(topic.at("/spec/replicas").asInt()).isEqualTo(3);
      assertThat(topic.at("/spec/config/cleanup.policy").asText())
          .isEqualTo(spec.cleanupPolicy().configValue());
      spec.configs()
          .forEach((k, v) -> assertThat(topic.at("/spec/config/" + k).asText()).isEqualTo(v));
    }
    assertThat(topics)
        .anySatisfy(
            t ->
                assertThat(t.at("/spec/topicName").asText())
                    .isEqualTo("gatestream-expert-tasks-gpt-4"))
        .anySatisfy(
            t -> {
              assertThat(t.at("/spec/topicName").asText()).isEqualTo("gatestream-routing-weights");
              assertThat(t.at("/spec/partitions").asInt()).isEqualTo(1);
              assertThat(t.at("/spec/config/cleanup.policy").asText()).isEqualTo("compact");
            });
  }

  @Test
  void theUsersGrantExactlyTheAccessMatrix() {
    Set<String> rendered = new HashSet<>();
    for (ObjectNode user : documents("users.yaml")) {
      assertThat(user.at("/spec/authentication/type").asText()).isEqualTo("scram-sha-512");
      String name = user.at("/metadata/name").asText();
      for (JsonNode acl : user.at("/spec/authorization/acls")) {
        for (JsonNode operation : acl.path("operations")) {
          rendered.add(
              String.join(
                  " ",
                  "User:" + name,
                  acl.at("/resource/type").asText(),
                  acl.at("/resource/patternType").asText(),
                  acl.at("/resource/name").asText(),
                  operation.asText()));
        }
      }
    }
    Set<String> expected =
        AccessMatrix.of(config, EXPERTS).bindings().stream()
            .map(
                b ->
                    String.join(
                        " ",
                        b.entry().principal(),
                        switch (b.pattern().resourceType()) {
                          case TOPIC -> "topic";
                          case GROUP -> "group";
                          case TRANSACTIONAL_ID -> "transactionalId";
                          default -> b.pattern().resourceType().name();
                        },
                        b.pattern().patternType().name().toLowerCase(Locale.ROOT),
                        b.pattern().name(),
                        b.entry().operation().name().replace("_", "").toLowerCase(Locale.ROOT)))
            .collect(Collectors.toSet());
    Set<String> renderedLowerOps =
        rendered.stream()
            .map(
                s -> {
                  int cut = s.lastIndexOf(' ');
                  return s.substring(0, cut) + s.substring(cut).toLowerCase(Locale.ROOT);
                })
            .collect(Collectors.toSet());
    assertThat(renderedLowerOps).isEqualTo(expected);
    assertThat(rendered)
        .contains("User:gatestream-expert-gpt-4 topic literal gatestream-expert-tasks-gpt-4 Read");
    assertThat(rendered)
        .contains("User:gatestream-gateway topic prefixed gatestream-replies- DescribeConfigs");
  }

  @Test
  void expertsScaleOnTheirGroupsLagUpToOneWorkerPerPartition() {
    List<ObjectNode> scaled =
        documents("scaling.yaml").stream()
            .filter(d -> d.path("kind").asText().equals("ScaledObject"))
            .toList();
    assertThat(scaled).hasSize(2);
    JsonNode gpt = scaled.get(0);
    assertThat(gpt.at("/spec/scaleTargetRef/name").asText()).isEqualTo("expert-gpt-4");
    // 6 partitions, 2 workers per pod
    assertThat(gpt.at("/spec/maxReplicaCount").asInt()).isEqualTo(3);
    JsonNode trigger = gpt.at("/spec/triggers/0");
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    assertThat(trigger.at("/metadata/consumerGroup").asText())
        .isEqualTo(ClientIds.of(config).expert("gpt-4"));
    assertThat(trigger.at("/metadata/topic").asText())
        .isEqualTo(Topics.from(config).expertTasks("gpt-4").name());
    assertThat(trigger.at("/metadata/bootstrapServers").asText()).isEqualTo("kafka:9093");
    assertThat(trigger.at("/metadata/lagThreshold").asText()).isEqualTo("50");
    assertThat(trigger.at("/authenticationRef/name").asText()).isEqualTo("expert-gpt-4-kafka");
  }

  @Test
  void anExpertPodRunsItsExpertAsItsOwnUser() {
    ObjectNode deployment =
        documents("experts.yaml").stream()
            .filter(d -> d.path("kind").asText().equals("Deployment"))
            .findFirst()
            .orElseThrow();
    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    assertThat(container.path("args").toString()).contains("\"run\",\"expert\",\"gpt-4\"");
    assertThat(container.at("/env/0/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("gatestream-expert-gpt-4");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(9500);
    assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
    assertThat(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean())
        .isTrue();
    assertThat(deployment.at("/spec/template/spec/volumes/1/secret/secretName").asText())
        .isEqualTo("prod-cluster-ca-cert");
    assertThat(deployment.at("/spec").has("replicas")).as("KEDA owns the replicas").isFalse();
  }

  @Test
  void anExpertWhoseUserKubernetesCannotNameIsOneClearError() {
    ClusterManifests slashed =
        new ClusterManifests(config, List.of("meta/llama-2-70b-chat"), "prod", 50);
    assertThatThrownBy(slashed::manifests)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gatestream-expert-meta_2Fllama-2-70b-chat")
        .hasMessageContaining("not a valid Kubernetes name");
  }

  @Test
  void badSettingsAreRefusedUpFront() {
    assertThatThrownBy(() -> new ClusterManifests(config, List.of(), "prod", 50))
        .hasMessageContaining("no experts");
    assertThatThrownBy(() -> new ClusterManifests(config, EXPERTS, "Prod_1", 50))
        .hasMessageContaining("'Prod_1'");
    assertThatThrownBy(() -> new ClusterManifests(config, EXPERTS, "prod", 0))
        .hasMessageContaining("lag threshold");
  }

  @Test
  void namesKubernetesRefusesBecomeSafeAndStayDistinct() {
    assertThat(KubernetesNames.label("gatestream-requests")).isEqualTo("gatestream-requests");
    String upper = KubernetesNames.label("gatestream-expert-tasks-Mixtral_2F7B");
    String lower = KubernetesNames.label("gatestream-expert-tasks-mixtral-2f7b");
    assertThat(KubernetesNames.isLabel(upper)).isTrue();
    assertThat(upper).startsWith("gatestream-expert-tasks-mixtral-2f7b-").isNotEqualTo(lower);
    String longName = KubernetesNames.label("x".repeat(70) + "_");
    assertThat(longName).hasSizeLessThanOrEqualTo(63);
    assertThat(KubernetesNames.isLabel(longName)).isTrue();
  }

  @Test
  void eachFileSaysHowToRegenerateIt() {
    String command = ClusterManifests.renderCommand("a.properties", null, "prod", 50, "out");
    assertThat(command)
        .isEqualTo(
            "./gatestream topics render --format strimzi --config a.properties --cluster prod"
                + " --lag-threshold 50 --output-dir out");
    Manifest topics = manifests.manifests().get(0);
    assertThat(ClusterManifests.text(topics, command))
        .startsWith("# Generated: the topic catalogue as Strimzi KafkaTopics.\n")
        .contains("#   " + command + "\n---\napiVersion: kafka.strimzi.io/v1beta2\n");
  }

  private List<ObjectNode> documents(String file) {
    return manifests.manifests().stream()
        .filter(m -> m.fileName().equals(file))
        .findFirst()
        .orElseThrow()
        .documents();
  }
}
