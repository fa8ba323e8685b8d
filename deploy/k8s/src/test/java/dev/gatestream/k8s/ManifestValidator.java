package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * Checks one Kubernetes resource against the model of its kind: fabric8's for Kubernetes' own kinds
 * and the Prometheus Operator's, Strimzi's API module for Kafka's, the Flink operator's API module
 * for FlinkDeployment, and KEDA's published CRD schemas for ScaledObject and TriggerAuthentication.
 * A kind it has no model for is an error: every manifest is checked.
 */
final class ManifestValidator {

  private static final Map<String, Class<?>> MODELS =
      Map.ofEntries(
          Map.entry("v1/ConfigMap", ConfigMap.class),
          Map.entry("v1/Service", Service.class),
          Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
          Map.entry("apps/v1/Deployment", Deployment.class),
          Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
          Map.entry("monitoring.coreos.com/v1/PodMonitor", PodMonitor.class),
          Map.entry("kafka.strimzi.io/v1beta2/Kafka", Kafka.class),
          Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", KafkaNodePool.class),
          Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
          Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class),
          Map.entry("flink.apache.org/v1beta1/FlinkDeployment", FlinkDeployment.class));

  /** KEDA 2.20.1's CRDs (src/test/resources/keda, see its README). */
  private static final Map<String, CrdSchema> SCHEMAS =
      Map.of(
          "keda.sh/v1alpha1/ScaledObject",
          CrdSchema.load("/keda/keda.sh_scaledobjects.yaml", "v1alpha1"),
          "keda.sh/v1alpha1/TriggerAuthentication",
          CrdSchema.load("/keda/keda.sh_triggerauthentications.yaml", "v1alpha1"),
          "flink.apache.org/v1beta1/FlinkDeployment",
          CrdSchema.load("/flink/flinkdeployments.flink.apache.org-v1.yml", "v1beta1"));

  /** apiVersion/kind, e.g. apps/v1/Deployment. */
  static String type(JsonNode resource) {
    return resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
  }

  /**
   * @throws InvalidManifestException if its kind has no model or it does not fit it
   */
  void validate(JsonNode resource) {
    String type = type(resource);
    CrdSchema schema = SCHEMAS.get(type);
    Class<?> model = MODELS.get(type);
    if (schema == null && model == null) {
      throw new InvalidManifestException(
          "", "no model to check apiVersion/kind " + type + " against: add one to " + getClass());
    }
    if (schema != null) {
      schema.validate(resource);
    }
    if (model == FlinkDeployment.class) {
      // The newest operator API on Maven Central (1.10) knows Flink versions up to 1.20; the job
      // runs
      // on Flink 2.2, which the CRD of operator 1.13 (checked above) allows.
      ObjectNode copy = resource.deepCopy();
      ((ObjectNode) copy.path("spec")).remove("flinkVersion");
      StrictModels.read(copy, model);
    } else if (model != null) {
      StrictModels.read(resource, model);
    }
  }
}
