package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.clients.ClientIds;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.util.List;
import org.apache.kafka.common.config.SaslConfigs;

/**
 * One expert's workload: a Deployment of its workers, their PodDisruptionBudget, and the KEDA
 * ScaledObject that scales them on the lag of the expert's consumer group. The workers of one
 * expert share a group, so replicas beyond the task topic's partitions would sit idle: the
 * ScaledObject's maximum is the catalogue's partition count, divided by the workers each pod runs
 * ({@code expert.instances}).
 */
final class ExpertWorkloads {

  /** Where the pods find the deployment's settings file (the ConfigMap gatestream-config). */
  static final String CONFIG_DIR = "/etc/gatestream";

  static final String CONFIG_FILE = CONFIG_DIR + "/gatestream.properties";

  /** Where the pods find the Kafka cluster's CA certificate (ca.crt), for kafka.ssl.truststore. */
  static final String KAFKA_CA_DIR = "/var/run/gatestream/kafka-ca";

  /** The ConfigMap every overlay generates from its gatestream.properties (and experts file). */
  static final String CONFIG_MAP = "gatestream-config";

  /** The environment variable KEDA reads the expert's SCRAM user name from. */
  static final String USERNAME_VARIABLE = "KAFKA_SCRAM_USERNAME";

  static final String IMAGE = "localhost/gatestream/expert";

  private static final String CONTAINER = "expert";

  /** The heap's share of the memory limit, leaving the rest to metaspace, threads and buffers. */
  static final String JVM_OPTIONS = "-XX:MaxRAMPercentage=60";

  /** The non-root user of every Gatestream image. */
  static final long RUN_AS = 10001;

  private final GatestreamConfig config;
  private final Topics topics;
  private final ClientIds ids;
  private final String cluster;
  private final PodResources resources;
  private final long lagThreshold;

  ExpertWorkloads(
      GatestreamConfig config, String cluster, PodResources resources, long lagThreshold) {
    this.config = config;
    this.topics = Topics.from(config);
    this.ids = ClientIds.of(config);
    this.cluster = cluster;
    this.resources = resources;
    this.lagThreshold = lagThreshold;
  }

  /** The Deployment's name: its service's ({@code expert-<id>}), made Kubernetes-safe. */
  static String workloadName(String expert) {
    return KubernetesNames.label(ServicePrincipal.expert(expert).service());
  }

  /** The most replicas that still each have a partition of the expert's task topic to read. */
  int maxReplicas(String expert) {
    int workersPerPod = config.getInt(GatestreamConfig.EXPERT_INSTANCES);
    return Math.max(1, topics.expertTasks(expert).partitions() / workersPerPod);
  }

  ObjectNode deployment(String expert) {
    String name = workloadName(expert);
    String user = StrimziUsers.userName(ServicePrincipal.expert(expert), prefix());
    ObjectNode deployment = resource("apps/v1", "Deployment", name, expert);
    ObjectNode spec = deployment.putObject("spec");
    // no replicas: KEDA's autoscaler owns them, and an apply must not reset them
    Labels.selector(spec.putObject("selector").putObject("matchLabels"), "expert", name);
    ObjectNode template = spec.putObject("template");
    ObjectNode templateMetadata = template.putObject("metadata");
    Labels.selector(Labels.partOf(templateMetadata.putObject("labels"), "expert"), "expert", name);
    templateMetadata.putObject("annotations").put(Annotations.EXPERT, expert);
    ObjectNode pod = template.putObject("spec");
    pod.put("terminationGracePeriodSeconds", 30);
    pod.putObject("securityContext")
        .put("runAsNonRoot", true)
        .put("runAsUser", RUN_AS)
        .put("runAsGroup", RUN_AS)
        .put("fsGroup", RUN_AS)
        .putObject("seccompProfile")
        .put("type", "RuntimeDefault");
    ObjectNode container = pod.putArray("containers").addObject();
    container.put("name", CONTAINER).put("image", IMAGE);
    container
        .putArray("args")
        .add("run")
        .add("expert")
        .add(expert)
        .add("--config")
        .add(CONFIG_FILE);
    ArrayNode env = container.putArray("env");
    env.addObject()
        .put(
            "name",
            GatestreamConfig.environmentVariable(
                GatestreamConfig.KAFKA_PREFIX + SaslConfigs.SASL_JAAS_CONFIG))
        .putObject("valueFrom")
        .putObject("secretKeyRef")
        .put("name", user)
        .put("key", "sasl.jaas.config");
    env.addObject().put("name", USERNAME_VARIABLE).put("value", user);
    env.addObject().put("name", "JAVA_TOOL_OPTIONS").put("value", JVM_OPTIONS);
    container
        .putArray("ports")
        .addObject()
        .put("name", "metrics")
        .put("containerPort", config.getInt(GatestreamConfig.METRICS_PORT));
    container.set("startupProbe", probe(5, 36));
    container.set("readinessProbe", probe(10, 3));
    container.set("livenessProbe", probe(20, 3));
    container.set("resources", resources.node());
    ObjectNode securityContext = container.putObject("securityContext");
    securityContext.put("allowPrivilegeEscalation", false).put("readOnlyRootFilesystem", true);
    securityContext.putObject("capabilities").putArray("drop").add("ALL");
    ArrayNode mounts = container.putArray("volumeMounts");
    mounts.addObject().put("name", "config").put("mountPath", CONFIG_DIR).put("readOnly", true);
    mounts.addObject().put("name", "kafka-ca").put("mountPath", KAFKA_CA_DIR).put("readOnly", true);
    mounts.addObject().put("name", "tmp").put("mountPath", "/tmp");
    ArrayNode volumes = pod.putArray("volumes");
    volumes.addObject().put("name", "config").putObject("configMap").put("name", CONFIG_MAP);
    volumes
        .addObject()
        .put("name", "kafka-ca")
        .putObject("secret")
        .put("secretName", Strimzi.clusterCaSecret(cluster));
    volumes.addObject().put("name", "tmp").putObject("emptyDir");
    return deployment;
  }

  ObjectNode disruptionBudget(String expert) {
    String name = workloadName(expert);
    ObjectNode budget = resource("policy/v1", "PodDisruptionBudget", name, expert);
    ObjectNode spec = budget.putObject("spec").put("maxUnavailable", 1);
    Labels.selector(spec.putObject("selector").putObject("matchLabels"), "expert", name);
    return budget;
  }

  ObjectNode scaledObject(String expert) {
    String name = workloadName(expert);
    TopicSpec<?, ?> tasks = topics.expertTasks(expert);
    ObjectNode scaled = resource("keda.sh/v1alpha1", "ScaledObject", name, expert);
    ObjectNode spec = scaled.putObject("spec");
    spec.putObject("scaleTargetRef").put("name", name);
    spec.put("minReplicaCount", 1);
    spec.put("maxReplicaCount", maxReplicas(expert));
    spec.put("pollingInterval", 15);
    spec.put("cooldownPeriod", 300);
    ObjectNode trigger = spec.putArray("triggers").addObject().put("type", "kafka");
    trigger
        .putObject("metadata")
        .put("bootstrapServers", config.getString(GatestreamConfig.BOOTSTRAP))
        .put("consumerGroup", ids.expert(expert))
        .put("topic", tasks.name())
        .put("lagThreshold", String.valueOf(lagThreshold))
        .put("offsetResetPolicy", "earliest")
        .put("sasl", "scram_sha512")
        .put("tls", "enable");
    trigger.putObject("authenticationRef").put("name", name + "-kafka");
    return scaled;
  }

  /** How KEDA reaches the cluster to read the lag: as the expert's own user, trusting its CA. */
  ObjectNode triggerAuthentication(String expert) {
    String name = workloadName(expert);
    String user = StrimziUsers.userName(ServicePrincipal.expert(expert), prefix());
    ObjectNode auth =
        resource("keda.sh/v1alpha1", "TriggerAuthentication", name + "-kafka", expert);
    ObjectNode spec = auth.putObject("spec");
    ArrayNode secrets = spec.putArray("secretTargetRef");
    secrets.addObject().put("parameter", "password").put("name", user).put("key", "password");
    secrets
        .addObject()
        .put("parameter", "ca")
        .put("name", Strimzi.clusterCaSecret(cluster))
        .put("key", "ca.crt");
    spec.putArray("env")
        .addObject()
        .put("parameter", "username")
        .put("name", USERNAME_VARIABLE)
        .put("containerName", CONTAINER);
    return auth;
  }

  List<ObjectNode> workload(String expert) {
    return List.of(deployment(expert), disruptionBudget(expert));
  }

  List<ObjectNode> scaling(String expert) {
    return List.of(triggerAuthentication(expert), scaledObject(expert));
  }

  private String prefix() {
    return config.getString(GatestreamConfig.TOPIC_PREFIX);
  }

  private static ObjectNode resource(String apiVersion, String kind, String name, String expert) {
    return resource(apiVersion, kind, name, workloadName(expert), expert);
  }

  private static ObjectNode resource(
      String apiVersion, String kind, String name, String workload, String expert) {
    ObjectNode resource = Yaml.object();
    resource.put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = resource.putObject("metadata");
    metadata.put("name", name);
    Labels.selector(Labels.partOf(metadata.putObject("labels"), "expert"), "expert", workload);
    metadata.putObject("annotations").put(Annotations.EXPERT, expert);
    return resource;
  }

  private static ObjectNode probe(int periodSeconds, int failureThreshold) {
    ObjectNode probe = Yaml.object();
    probe.putObject("httpGet").put("path", "/health").put("port", "metrics");
    probe.put("periodSeconds", periodSeconds).put("failureThreshold", failureThreshold);
    return probe;
  }
}
