package dev.gatestream.clients;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on a secured cluster: one principal per service, and what each may read and
 * write, defined once here. The secured local stack creates these ACLs, and the README's security
 * matrix is rendered from them ({@link #markdown()}). Everything not granted is denied.
 */
public final class AccessMatrix {

  /**
   * One permission.
   *
   * @param principal who has it
   * @param type topic, group, transactional id or cluster
   * @param pattern literal name or name prefix
   * @param name the resource's name or name prefix
   * @param operation what it may do there
   */
  public record Grant(
      ServicePrincipal principal,
      ResourceType type,
      PatternType pattern,
      String name,
      AclOperation operation) {}

  /** The jobs whose consumers join a group of their own: {@link ClientIds#job}. */
  private static final List<String> JOBS =
      List.of("bench", "evaluate", "inspect", "read", "replay", "request", "score");

  private static final List<AclOperation> REPLY_TOPIC_OWNER =
      List.of(
          AclOperation.CREATE,
          AclOperation.DESCRIBE_CONFIGS,
          AclOperation.READ,
          AclOperation.DELETE);

  private final String prefix;
  private final List<ServicePrincipal> principals;
  private final List<Grant> grants;

  private AccessMatrix(String prefix, List<ServicePrincipal> principals, List<Grant> grants) {
    this.prefix = prefix;
    this.principals = List.copyOf(principals);
    this.grants = List.copyOf(grants);
  }

  /** The matrix of the deployment this configuration describes, with these experts. */
  public static AccessMatrix of(GatestreamConfig config, Collection<String> experts) {
    String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
    Topics topics = Topics.from(config);
    ClientIds ids = ClientIds.of(config);
    Builder b = new Builder();
    String requests = topics.requests().name();
    String decisions = topics.decisions().name();
    String results = topics.expertResults().name();
    String fused = topics.fusedResults().name();
    String feedback = topics.feedback().name();
    String weights = topics.routingWeights().name();
    String deadLetters = topics.deadLetters().name();
    String candidateDecisions = topics.candidateDecisions().name();
    String replies = topics.replies("").name();
    String scoreReplies = topics.scoreReplies("").name();
    String tasks = topics.expertTasks("x").name();
    tasks = tasks.substring(0, tasks.length() - 1);

    ServicePrincipal router = ServicePrincipal.ROUTER;
    b.read(router, requests, weights);
    b.write(router, decisions, deadLetters, candidateDecisions);
    b.prefixed(router, ResourceType.TOPIC, tasks, AclOperation.WRITE);
    // reply-to validation lists the topics
    b.prefixed(router, ResourceType.TOPIC, prefix, AclOperation.DESCRIBE);
    b.streamsApplication(router, ids.router());

    ServicePrincipal fusion = ServicePrincipal.FUSION;
    b.read(fusion, decisions, results, weights);
    b.write(fusion, fused, deadLetters);
    b.prefixed(fusion, ResourceType.TOPIC, replies, AclOperation.WRITE);
    b.prefixed(fusion, ResourceType.TOPIC, scoreReplies, AclOperation.WRITE);
    b.prefixed(fusion, ResourceType.TOPIC, prefix, AclOperation.DESCRIBE);
    b.streamsApplication(fusion, ids.fusion());

    for (String expert : experts) {
      ServicePrincipal worker = ServicePrincipal.expert(expert);
      b.read(worker, topics.expertTasks(expert).name());
      b.write(worker, results, deadLetters);
      b.literal(worker, ResourceType.GROUP, ids.expert(expert), AclOperation.READ);
    }

    ServicePrincipal adaptation = ServicePrincipal.ADAPTATION;
    // also what gatestream policy (report, promote, rollback, watch) connects as: it judges
    // candidates on the same joined log and publishes the versions it promotes
    b.read(adaptation, decisions, results, feedback, weights, candidateDecisions);
    b.write(adaptation, weights, deadLetters);
    b.literal(adaptation, ResourceType.GROUP, ids.adaptation(), AclOperation.READ);
    b.prefixed(adaptation, ResourceType.TRANSACTIONAL_ID, ids.adaptation(), AclOperation.WRITE);
    b.prefixed(adaptation, ResourceType.TRANSACTIONAL_ID, ids.adaptation(), AclOperation.DESCRIBE);

    ServicePrincipal gateway = ServicePrincipal.GATEWAY;
    b.write(gateway, requests);
    // the router's refusals of its own requests, answered at once
    b.read(gateway, deadLetters);
    // its own reply topic, which it creates, checks, reads and deletes
    for (AclOperation operation : REPLY_TOPIC_OWNER) {
      b.prefixed(gateway, ResourceType.TOPIC, replies, operation);
    }
    b.prefixed(gateway, ResourceType.GROUP, ids.gateway(""), AclOperation.READ);

    ServicePrincipal clients = ServicePrincipal.CLIENTS;
    b.write(clients, requests, feedback);
    b.read(clients, decisions, results, fused, feedback, weights, deadLetters, candidateDecisions);
    // topics apply: creates and checks the catalogue's topics, but writes none of the stages'
    b.prefixed(clients, ResourceType.TOPIC, prefix, AclOperation.CREATE);
    b.prefixed(clients, ResourceType.TOPIC, prefix, AclOperation.DESCRIBE);
    b.prefixed(clients, ResourceType.TOPIC, prefix, AclOperation.DESCRIBE_CONFIGS);
    // a scoring run reads and then deletes its own reply topic
    b.prefixed(clients, ResourceType.TOPIC, scoreReplies, AclOperation.READ);
    b.prefixed(clients, ResourceType.TOPIC, scoreReplies, AclOperation.DELETE);
    // the groups of the jobs (ClientIds.job), never a stage's
    for (String job : JOBS) {
      b.prefixed(clients, ResourceType.GROUP, ids.job(job, ""), AclOperation.READ);
    }
    return new AccessMatrix(prefix, b.principals(), b.grants);
  }

  /** Every principal, in the order of the matrix. */
  public List<ServicePrincipal> principals() {
    return principals;
  }

  public List<Grant> grants() {
    return grants;
  }

  /** The ACLs to create: ALLOW, from any host, for {@code User:<prefix><service>}. */
  public List<AclBinding> bindings() {
    return grants.stream()
        .map(
            g ->
                new AclBinding(
                    new ResourcePattern(g.type(), g.name(), g.pattern()),
                    new AccessControlEntry(
                        "User:" + g.principal().userName(prefix),
                        "*",
                        g.operation(),
                        AclPermissionType.ALLOW)))
        .toList();
  }

  /** The matrix as a Markdown table: one row per principal, what it may do where. */
  public String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| principal | may |\n| --- | --- |\n");
    for (ServicePrincipal principal : principals) {
      String may =
          grants.stream()
              .filter(g -> g.principal().equals(principal))
              .map(AccessMatrix::describe)
              .collect(Collectors.joining("; "));
      out.append("| `User:")
          .append(principal.userName(prefix))
          .append("` | ")
          .append(may)
          .append(" |\n");
    }
    return out.toString();
  }

  private static String describe(Grant g) {
    String what =
        switch (g.type()) {
          case TOPIC -> "topic";
          case GROUP -> "group";
          case TRANSACTIONAL_ID -> "transactional id";
          default -> g.type().name().toLowerCase(java.util.Locale.ROOT);
        };
    String name = "`" + g.name() + (g.pattern() == PatternType.PREFIXED ? "*`" : "`");
    return g.operation().name() + " " + what + " " + name;
  }

  /** Collects grants in order, and the principals in the order they first appear. */
  private static final class Builder {
    private final List<Grant> grants = new ArrayList<>();

    void read(ServicePrincipal who, String... topics) {
      for (String topic : topics) {
        literal(who, ResourceType.TOPIC, topic, AclOperation.READ);
      }
    }

    void write(ServicePrincipal who, String... topics) {
      for (String topic : topics) {
        literal(who, ResourceType.TOPIC, topic, AclOperation.WRITE);
      }
    }

    void literal(ServicePrincipal who, ResourceType type, String name, AclOperation operation) {
      grants.add(new Grant(who, type, PatternType.LITERAL, name, operation));
    }

    void prefixed(ServicePrincipal who, ResourceType type, String name, AclOperation operation) {
      grants.add(new Grant(who, type, PatternType.PREFIXED, name, operation));
    }

    /**
     * A Kafka Streams application: its internal topics, consumer group and transactional ids all
     * start with its application id.
     */
    void streamsApplication(ServicePrincipal who, String applicationId) {
      prefixed(who, ResourceType.TOPIC, applicationId, AclOperation.ALL);
      prefixed(who, ResourceType.GROUP, applicationId, AclOperation.READ);
      prefixed(who, ResourceType.TRANSACTIONAL_ID, applicationId, AclOperation.WRITE);
      prefixed(who, ResourceType.TRANSACTIONAL_ID, applicationId, AclOperation.DESCRIBE);
    }

    List<ServicePrincipal> principals() {
      Set<ServicePrincipal> seen = new LinkedHashSet<>();
      grants.forEach(g -> seen.add(g.principal()));
      return new ArrayList<>(seen);
    }
  }
}
