package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AccessMatrixTest {

  /** The example the README's matrix is rendered from. */
  static final List<String> README_EXPERTS = List.of("llama", "mistral");

  private static final GatestreamConfig CONFIG = new ConfigLoader(Map.of()).load(null, Map.of());
  private static final Topics TOPICS = Topics.from(CONFIG);
  private static final AccessMatrix MATRIX = AccessMatrix.of(CONFIG, README_EXPERTS);

  /** What the standard authorizer would decide for these ALLOW bindings (no DENY in the matrix). */
  private static boolean allowed(
      ServicePrincipal who, ResourceType type, String name, AclOperation operation) {
    String user = "User:" + who.userName("gatestream-");
    for (AclBinding binding : MATRIX.bindings()) {
      if (!binding.entry().principal().equals(user) || binding.pattern().resourceType() != type) {
        continue;
      }
      String pattern = binding.pattern().name();
      boolean matches =
          binding.pattern().patternType() == PatternType.PREFIXED
              ? name.startsWith(pattern)
              : name.equals(pattern);
      AclOperation granted = binding.entry().operation();
      boolean implies =
          granted == operation
              || granted == AclOperation.ALL
              || operation == AclOperation.DESCRIBE
                  && (granted == AclOperation.READ || granted == AclOperation.WRITE);
      if (matches && implies) {
        return true;
      }
    }
    return false;
  }

  private static boolean canRead(ServicePrincipal who, String topic) {
    return allowed(who, ResourceType.TOPIC, topic, AclOperation.READ);
  }

  private static boolean canWrite(ServicePrincipal who, String topic) {
    return allowed(who, ResourceType.TOPIC, topic, AclOperation.WRITE);
  }

  @Test
  void anExpertReadsItsOwnTasksOnlyAndWritesResultsButNotWeights() {
    ServicePrincipal llama = ServicePrincipal.expert("llama");

    assertThat(canRead(llama, TOPICS.expertTasks("llama").name())).isTrue();
    assertThat(canRead(llama, TOPICS.expertTasks("mistral").name())).isFalse();
    assertThat(canWrite(llama, TOPICS.expertResults().name())).isTrue();
    assertThat(canWrite(llama, TOPICS.routingWeights().name())).isFalse();
    assertThat(canWrite(llama, TOPICS.fusedResults().name())).isFalse();
    assertThat(allowed(llama, ResourceType.GROUP, "gatestream-expert-llama", AclOperation.READ))
        .isTrue();
    assertThat(allowed(llama, ResourceType.GROUP, "gatestream-expert-mistral", AclOperation.READ))
        .isFalse();
  }

  @Test
  void onlyTheAdaptationJobPublishesWeights() {
    String weights = TOPICS.routingWeights().name();
    assertThat(MATRIX.principals())
        .filteredOn(who -> canWrite(who, weights))
        .containsExactly(ServicePrincipal.ADAPTATION);
  }

  @Test
  void onlyExpertsWriteResultsAndOnlyTheRouterWritesTasksAndDecisions() {
    assertThat(MATRIX.principals())
        .filteredOn(who -> canWrite(who, TOPICS.expertResults().name()))
        .containsExactly(ServicePrincipal.expert("llama"), ServicePrincipal.expert("mistral"));
    assertThat(MATRIX.principals())
        .filteredOn(who -> canWrite(who, TOPICS.expertTasks("llama").name()))
        .containsExactly(ServicePrincipal.ROUTER);
    assertThat(MATRIX.principals())
        .filteredOn(who -> canWrite(who, TOPICS.decisions().name()))
        .containsExactly(ServicePrincipal.ROUTER);
    assertThat(MATRIX.principals())
        .filteredOn(who -> canWrite(who, TOPICS.fusedResults().name()))
        .containsExactly(ServicePrincipal.FUSION);
  }

  @Test
  void clientsSendRequestsAndFeedbackAndReadResultsButWriteNoStageOutput() {
    ServicePrincipal clients = ServicePrincipal.CLIENTS;

    assertThat(canWrite(clients, TOPICS.requests().name())).isTrue();
    assertThat(canWrite(clients, TOPICS.feedback().name())).isTrue();
    assertThat(canRead(clients, TOPICS.fusedResults().name())).isTrue();
    for (String output :
        List.of(
            TOPICS.expertResults().name(),
            TOPICS.decisions().name(),
            TOPICS.fusedResults().name(),
            TOPICS.routingWeights().name(),
            TOPICS.expertTasks("llama").name())) {
      assertThat(canWrite(clients, output)).as(output).isFalse();
    }
  }

  @Test
  void eachStreamsStageOwnsItsInternalTopicsGroupAndTransactions() {
    ServicePrincipal router = ServicePrincipal.ROUTER;
    String changelog = "gatestream-router-KSTREAM-AGGREGATE-STATE-STORE-0000000003-changelog";

    assertThat(allowed(router, ResourceType.TOPIC, changelog, AclOperation.CREATE)).isTrue();
    assertThat(allowed(router, ResourceType.GROUP, "gatestream-router", AclOperation.READ))
        .isTrue();
    assertThat(
            allowed(
                router,
                ResourceType.TRANSACTIONAL_ID,
                "gatestream-router-5f1c-1",
                AclOperation.WRITE))
        .isTrue();
    assertThat(allowed(ServicePrincipal.FUSION, ResourceType.TOPIC, changelog, AclOperation.READ))
        .isFalse();
  }

  @Test
  void everyBindingAllowsAndNamesItsServiceUnderThePrefix() {
    GatestreamConfig other =
        new ConfigLoader(Map.of()).load(null, Map.of(GatestreamConfig.TOPIC_PREFIX, "team-a."));

    assertThat(AccessMatrix.of(other, List.of("llama")).bindings())
        .isNotEmpty()
        .allSatisfy(
            binding -> {
              assertThat(binding.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
              assertThat(binding.entry().principal()).startsWith("User:team-a.");
              assertThat(binding.pattern().name()).startsWith("team-a.");
            });
  }

  @Test
  void theReadmeSecurityMatrixIsTheMatrixRendered() throws IOException {
    Path readme = projectRoot().resolve("README.md");

    assertThat(Files.readString(readme))
        .as(
            "%s: the security matrix must be AccessMatrix.of(defaults, %s).markdown()",
            readme, README_EXPERTS)
        .contains(MATRIX.markdown());
  }

  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md"))
          && Files.isDirectory(dir.resolve("contracts"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no project root above " + Path.of("").toAbsolutePath());
  }
}
