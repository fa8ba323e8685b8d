package dev.gatestream.it.harness;

import java.util.Objects;

/**
 * Where the test stack is reachable.
 *
 * @param bootstrapServers Kafka {@code bootstrap.servers}
 * @param registryUrl base URL of the schema registry, no trailing slash (Confluent-compatible API
 *     under {@code /apis/ccompat/v7}, Apicurio's own under {@code /apis/registry/v2})
 */
public record StackEndpoints(String bootstrapServers, String registryUrl) {

  public StackEndpoints {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(registryUrl, "registryUrl");
    while (registryUrl.endsWith("/")) {
      registryUrl = registryUrl.substring(0, registryUrl.length() - 1);
    }
  }

  /**
   * The Confluent-compatible API base, e.g. for Confluent-style serdes' {@code
   * schema.registry.url}.
   */
  public String confluentCompatUrl() {
    return registryUrl + "/apis/ccompat/v7";
  }

  /** Apicurio's native v2 API base, e.g. for Apicurio serdes' {@code apicurio.registry.url}. */
  public String apicurioV2Url() {
    return registryUrl + "/apis/registry/v2";
  }
}
