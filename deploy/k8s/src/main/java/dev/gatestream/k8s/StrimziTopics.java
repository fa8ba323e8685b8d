package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.topics.TopicSpec;
import java.util.Map;
import java.util.TreeMap;

/** A topic of the catalogue as a Strimzi {@code KafkaTopic}, for the topic operator to create. */
final class StrimziTopics {

  private StrimziTopics() {}

  static ObjectNode of(TopicSpec<?, ?> spec, String cluster) {
    ObjectNode topic = Yaml.object();
    topic.put("apiVersion", Strimzi.API_VERSION).put("kind", "KafkaTopic");
    ObjectNode metadata = topic.putObject("metadata");
    metadata.put("name", KubernetesNames.label(spec.name()));
    Labels.partOf(metadata.putObject("labels").put(Strimzi.CLUSTER_LABEL, cluster), "topics");
    ObjectNode body = topic.putObject("spec");
    // Always spelled out: the resource's name is only a Kubernetes-safe form of it.
    body.put("topicName", spec.name());
    body.put("partitions", spec.partitions());
    body.put("replicas", spec.replication());
    Map<String, String> configs = new TreeMap<>(spec.configs());
    configs.put("cleanup.policy", spec.cleanupPolicy().configValue());
    ObjectNode config = body.putObject("config");
    configs.forEach(config::put);
    return topic;
  }
}
