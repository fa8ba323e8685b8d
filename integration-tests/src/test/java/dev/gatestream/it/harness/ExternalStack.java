package dev.gatestream.it.harness;

/**
 * A cluster someone else runs: GATESTREAM_BOOTSTRAP and GATESTREAM_REGISTRY_URL. Never started or
 * stopped here.
 */
final class ExternalStack implements TestStack {

  static final String ENV_BOOTSTRAP = "GATESTREAM_BOOTSTRAP";
  static final String ENV_REGISTRY_URL = "GATESTREAM_REGISTRY_URL";

  private final StackEndpoints endpoints;

  private ExternalStack(StackEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  static ExternalStack fromEnvironment(String bootstrap, String registryUrl) {
    if (registryUrl == null || registryUrl.isBlank()) {
      throw new IllegalStateException(
          ENV_BOOTSTRAP
              + " is set, so "
              + ENV_REGISTRY_URL
              + " (base URL of the schema registry, e.g. http://host:8085) must be set too");
    }
    return new ExternalStack(new StackEndpoints(bootstrap.trim(), registryUrl.trim()));
  }

  @Override
  public StackEndpoints endpoints() {
    return endpoints;
  }

  @Override
  public String describe() {
    return "external cluster ("
        + ENV_BOOTSTRAP
        + "): bootstrap "
        + endpoints.bootstrapServers()
        + ", registry "
        + endpoints.registryUrl();
  }

  @Override
  public void close() {
    // not ours
  }
}
