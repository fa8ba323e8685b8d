package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.clients.AccessMatrix;
import dev.gatestream.clients.AccessMatrix.Grant;
import dev.gatestream.clients.ServicePrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The principals of the access matrix as Strimzi {@code KafkaUser}s: SCRAM-SHA-512 credentials,
 * which the user operator generates into a Secret of the user's name, and exactly the matrix's
 * ACLs.
 */
final class StrimziUsers {

  private StrimziUsers() {}

  static List<ObjectNode> of(AccessMatrix matrix, String topicPrefix, String cluster) {
    List<ObjectNode> users = new ArrayList<>();
    for (ServicePrincipal principal : matrix.principals()) {
      users.add(user(principal, topicPrefix, cluster, matrix.grants()));
    }
    return users;
  }

  /** The SCRAM user name of a service, which Strimzi takes from the KafkaUser's name. */
  static String userName(ServicePrincipal principal, String topicPrefix) {
    String name = principal.userName(topicPrefix);
    if (!KubernetesNames.isLabel(name)) {
      throw new IllegalArgumentException(
          "the Kafka user '"
              + name
              + "' of service '"
              + principal.service()
              + "' is not a valid Kubernetes name, and Strimzi names each user after its KafkaUser:"
              + " use a lower-case topic.prefix and expert names of lower-case letters, digits and"
              + " '-' (at most "
              + KubernetesNames.MAX_LABEL
              + " characters in all)");
    }
    return name;
  }

  private static ObjectNode user(
      ServicePrincipal principal, String topicPrefix, String cluster, List<Grant> grants) {
    ObjectNode user = Yaml.object();
    user.put("apiVersion", Strimzi.API_VERSION).put("kind", "KafkaUser");
    ObjectNode metadata = user.putObject("metadata");
    metadata.put("name", userName(principal, topicPrefix));
    Labels.partOf(metadata.putObject("labels").put(Strimzi.CLUSTER_LABEL, cluster), "users");
    metadata.putObject("annotations").put(Annotations.SERVICE, principal.service());
    ObjectNode spec = user.putObject("spec");
    spec.putObject("authentication").put("type", "scram-sha-512");
    ObjectNode authorization = spec.putObject("authorization").put("type", "simple");
    ArrayNode acls = authorization.putArray("acls");
    // one rule per resource, with every operation granted there, in the matrix's order
    Map<String, ObjectNode> rules = new LinkedHashMap<>();
    for (Grant grant : grants) {
      if (!grant.principal().equals(principal)) {
        continue;
      }
      String key = grant.type() + "/" + grant.pattern() + "/" + grant.name();
      ObjectNode rule =
          rules.computeIfAbsent(
              key,
              k -> {
                ObjectNode r = acls.addObject();
                ObjectNode resource = r.putObject("resource").put("type", resourceType(grant));
                if (grant.type() != ResourceType.CLUSTER) {
                  resource
                      .put("name", grant.name())
                      .put("patternType", grant.pattern().name().toLowerCase(Locale.ROOT));
                }
                r.putArray("operations");
                r.put("host", "*");
                return r;
              });
      ((ArrayNode) rule.get("operations")).add(operation(grant.operation()));
    }
    return user;
  }

  private static String resourceType(Grant grant) {
    return switch (grant.type()) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case TRANSACTIONAL_ID -> "transactionalId";
      case CLUSTER -> "cluster";
      default ->
          throw new IllegalArgumentException(
              "Strimzi has no ACLs on " + grant.type() + " resources");
    };
  }

  /** Kafka's READ_CONFIGS as Strimzi spells it: ReadConfigs. */
  private static String operation(AclOperation operation) {
    StringBuilder out = new StringBuilder();
    for (String word : operation.name().split("_")) {
      out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return out.toString();
  }
}
