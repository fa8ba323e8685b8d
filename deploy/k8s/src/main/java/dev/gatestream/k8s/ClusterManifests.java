package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.clients.AccessMatrix;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes resources that follow from a deployment's settings and its experts, generated so
 * they are never typed twice: a {@code KafkaTopic} per topic of the catalogue, a {@code KafkaUser}
 * per principal of the access matrix with its ACLs, and per expert its Deployment,
 * PodDisruptionBudget and KEDA ScaledObject, bounded by its task topic's partitions.
 */
public final class ClusterManifests {

  /** The Strimzi {@code Kafka} resource the topics and users belong to, unless told otherwise. */
  public static final String DEFAULT_CLUSTER = "gatestream";

  /** Task-topic lag per expert replica above which KEDA adds a replica, unless told otherwise. */
  public static final long DEFAULT_LAG_THRESHOLD = 100;

  /**
   * What an expert pod asks for, from the measurement in deploy/k8s/README.md (an expert process
   * under load: peak RSS and CPU), with headroom for the heap to grow into.
   */
  static final PodResources EXPERT_RESOURCES = new PodResources("100m", "384Mi", "768Mi");

  private final GatestreamConfig config;
  private final List<String> experts;
  private final String cluster;
  private final long lagThreshold;

  /**
   * @param experts the deployment's experts; each gets a task topic, a user and a workload
   * @param cluster the name of the Strimzi {@code Kafka} resource
   */
  public ClusterManifests(
      GatestreamConfig config, List<String> experts, String cluster, long lagThreshold) {
    if (experts.isEmpty()) {
      throw new IllegalArgumentException(
          "no experts to render: set '" + GatestreamConfig.EXPERTS + "' or pass --experts");
    }
    if (!KubernetesNames.isLabel(cluster)) {
      throw new IllegalArgumentException(
          "cluster name '" + cluster + "' is not a valid Kubernetes name");
    }
    if (lagThreshold < 1) {
      throw new IllegalArgumentException("the lag threshold must be at least 1: " + lagThreshold);
    }
    this.config = config;
    this.experts = List.copyOf(experts);
    this.cluster = cluster;
    this.lagThreshold = lagThreshold;
  }

  /** The files, in the order a reader wants them. */
  public List<Manifest> manifests() {
    Topics topics = Topics.from(config);
    List<ObjectNode> topicResources = new ArrayList<>();
    for (TopicSpec<?, ?> spec : topics.all(experts)) {
      topicResources.add(StrimziTopics.of(spec, cluster));
    }
    String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
    List<ObjectNode> users = StrimziUsers.of(AccessMatrix.of(config, experts), prefix, cluster);
    ExpertWorkloads workloads =
        new ExpertWorkloads(config, cluster, EXPERT_RESOURCES, lagThreshold);
    List<ObjectNode> expertResources = new ArrayList<>();
    List<ObjectNode> scaling = new ArrayList<>();
    for (String expert : experts) {
      expertResources.addAll(workloads.workload(expert));
      scaling.addAll(workloads.scaling(expert));
    }
    return List.of(
        new Manifest("topics.yaml", "the topic catalogue as Strimzi KafkaTopics", topicResources),
        new Manifest(
            "users.yaml", "a Strimzi KafkaUser per service, with the access matrix's ACLs", users),
        new Manifest(
            "experts.yaml", "a Deployment and PodDisruptionBudget per expert", expertResources),
        new Manifest(
            "scaling.yaml",
            "a KEDA ScaledObject per expert on its consumer group's lag, at most one replica per"
                + " partition of its task topic",
            scaling));
  }

  /**
   * The command line that renders these files, for their headers; options at their defaults are
   * left out.
   *
   * @param configFile the settings file, or null for the default
   * @param experts the expert names given, or null for the 'experts' setting
   */
  public static String renderCommand(
      String configFile,
      List<String> experts,
      String cluster,
      long lagThreshold,
      String outputDir) {
    StringBuilder command = new StringBuilder("./gatestream topics render --format strimzi");
    if (configFile != null) {
      command.append(" --config ").append(configFile);
    }
    if (experts != null) {
      command.append(" --experts ").append(String.join(",", experts));
    }
    if (!cluster.equals(DEFAULT_CLUSTER)) {
      command.append(" --cluster ").append(cluster);
    }
    if (lagThreshold != DEFAULT_LAG_THRESHOLD) {
      command.append(" --lag-threshold ").append(lagThreshold);
    }
    return command.append(" --output-dir ").append(outputDir).toString();
  }

  /**
   * One file's text: a header that says how to regenerate it, then its resources.
   *
   * @param regenerate the command that writes it again
   */
  public static String text(Manifest manifest, String regenerate) {
    StringBuilder out = new StringBuilder();
    out.append("# Generated: ").append(manifest.what()).append(".\n");
    out.append("# Do not edit; regenerate with:\n#   ").append(regenerate).append('\n');
    manifest.documents().forEach(resource -> out.append(Yaml.document(resource)));
    return out.toString();
  }

  /** Every file's resources, one stream of YAML documents (for {@code kubectl apply -f -}). */
  public String yaml() {
    StringBuilder out = new StringBuilder();
    manifests()
        .forEach(m -> m.documents().forEach(resource -> out.append(Yaml.document(resource))));
    return out.toString();
  }

  /**
   * Writes every file into {@code dir}.
   *
   * @return the files written
   */
  public List<Path> write(Path dir, String regenerate) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (Manifest manifest : manifests()) {
      Path file = dir.resolve(manifest.fileName());
      Files.writeString(file, text(manifest, regenerate), StandardCharsets.UTF_8);
      written.add(file);
    }
    return written;
  }
}
