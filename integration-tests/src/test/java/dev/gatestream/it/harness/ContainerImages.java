package dev.gatestream.it.harness;

/**
 * The ONE place where container images of the test stack are pinned (used only in Testcontainers
 * mode).
 */
public final class ContainerImages {

  /** Same Kafka version as the kafka.version of the build. */
  public static final String KAFKA = "apache/kafka:4.2.0";

  /** Same Apicurio Registry version as deploy/registry (in-memory storage). */
  public static final String APICURIO_REGISTRY = "apicurio/apicurio-registry-mem:2.4.2.Final";

  /** HTTP port of the registry inside its container. */
  public static final int APICURIO_REGISTRY_PORT = 8080;

  private ContainerImages() {}
}
