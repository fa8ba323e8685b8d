package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The labels Gatestream's resources carry (Kubernetes' recommended app.kubernetes.io set). */
final class Labels {

  static final String NAME = "app.kubernetes.io/name";
  static final String INSTANCE = "app.kubernetes.io/instance";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String PART_OF = "app.kubernetes.io/part-of";

  private Labels() {}

  static ObjectNode partOf(ObjectNode labels, String component) {
    return labels.put(PART_OF, "gatestream").put(COMPONENT, component);
  }

  /** What selects the pods of one workload: its deployable and its instance. */
  static ObjectNode selector(ObjectNode labels, String deployable, String instance) {
    return labels.put(NAME, deployable).put(INSTANCE, instance);
  }
}
