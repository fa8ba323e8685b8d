package dev.gatestream.k8s;

/** Annotations that say which Gatestream thing a resource is for, in its own spelling. */
final class Annotations {

  /** The service a KafkaUser authenticates (a {@code ServicePrincipal}). */
  static final String SERVICE = "gatestream.dev/service";

  /** The expert a workload serves, by its real name (object names are only a safe form of it). */
  static final String EXPERT = "gatestream.dev/expert";

  private Annotations() {}
}
