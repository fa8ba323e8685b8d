package dev.gatestream.k8s;

/** What Strimzi's resources have in common. */
final class Strimzi {

  static final String API_VERSION = "kafka.strimzi.io/v1beta2";

  /** Ties a topic or user to the Kafka cluster whose operators manage it. */
  static final String CLUSTER_LABEL = "strimzi.io/cluster";

  private Strimzi() {}

  /** The Secret in which Strimzi publishes the cluster CA's certificate, for clients to trust. */
  static String clusterCaSecret(String cluster) {
    return cluster + "-cluster-ca-cert";
  }
}
