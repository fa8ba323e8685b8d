package dev.gatestream.it.harness;

/**
 * The ONE place where container images of the test stack are named: Gatestream's own, built locally
 * by {@code mvn -Pimages} (the container mode, {@link PodmanStack}), and the upstream ones the
 * Testcontainers mode pins (they cannot be pulled on the CI machines).
 */
public final class ContainerImages {

  /** System property with the project version the images were tagged with (set by failsafe). */
  public static final String VERSION_PROPERTY = "gatestream.images.version";

  /** Kafka broker of deploy/images/broker: in-network listener 9092, /metrics on 9404. */
  public static final String BROKER = "broker";

  /** Apicurio Registry of deploy/images/registry: HTTP on 8080. */
  public static final String REGISTRY = "registry";

  public static final int BROKER_PORT = 9092;
  public static final int REGISTRY_PORT = 8080;

  /** Where router, fusion and expert images serve /metrics and /health (metrics.port). */
  public static final int STAGE_METRICS_PORT = 9404;

  /** Where the gateway image serves its HTTP API (gateway.port). */
  public static final int GATEWAY_PORT = 8088;

  /**
   * The locally built image of a deployable, {@code localhost/gatestream/DEPLOYABLE:VERSION}.
   *
   * @param deployable router, fusion, expert, gateway, adaptation, broker or registry
   */
  public static String gatestream(String deployable) {
    String version = System.getProperty(VERSION_PROPERTY, "");
    if (version.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + VERSION_PROPERTY
              + " is not set: run the container mode through Maven (mvn verify -Pimages)");
    }
    return "localhost/gatestream/" + deployable + ":" + version;
  }

  private ContainerImages() {}
}
