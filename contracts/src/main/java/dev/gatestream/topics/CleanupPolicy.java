package dev.gatestream.topics;

/** Kafka's cleanup.policy values, as the catalogue uses them. */
public enum CleanupPolicy {
  DELETE("delete"),
  COMPACT("compact");

  private final String configValue;

  CleanupPolicy(String configValue) {
    this.configValue = configValue;
  }

  public String configValue() {
    return configValue;
  }
}
