package dev.gatestream.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every Gatestream setting, declared once with its type, default and doc. Values are layered by
 * {@link ConfigLoader}: CLI flags over environment ({@code GATESTREAM_*}) over the properties file.
 */
public final class GatestreamConfig extends AbstractConfig {

  public static final String BOOTSTRAP = "bootstrap";
  public static final String REGISTRY_URL = "registry.url";
  public static final String REGISTRY_AUTO_REGISTER = "registry.auto.register";
  public static final String REGISTRY_COMPATIBILITY = "registry.compatibility";
  public static final String TOPIC_PREFIX = "topic.prefix";
  public static final String TOPIC_PARTITIONS = "topic.partitions";
  public static final String TOPIC_REPLICATION = "topic.replication";
  public static final String EXPERTS = "experts";
  public static final String STACK_DIR = "stack.dir";
  public static final String STACK_HOST = "stack.host";
  public static final String STACK_BROKER_PORT = "stack.broker.port";
  public static final String STACK_CONTROLLER_PORT = "stack.controller.port";
  public static final String STACK_REGISTRY_PORT = "stack.registry.port";
  public static final String STACK_BROKER_HEAP_MB = "stack.broker.heap.mb";
  public static final String STACK_REGISTRY_HEAP_MB = "stack.registry.heap.mb";
  public static final String STACK_START_TIMEOUT_MS = "stack.start.timeout.ms";
  public static final String CLIENT_TIMEOUT_MS = "client.timeout.ms";

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BOOTSTRAP, Type.STRING, "", Importance.HIGH,
          "Kafka bootstrap servers of an existing cluster. Empty: use the local stack (started by"
              + " 'gatestream stack up'). Set it and no local broker is started.")
      .define(REGISTRY_URL, Type.STRING, "", Importance.HIGH,
          "Base URL of an Apicurio Registry 2.x (e.g. http://registry:8080). Empty: the local stack's"
              + " registry.")
      .define(REGISTRY_AUTO_REGISTER, Type.BOOLEAN, true, Importance.MEDIUM,
          "Whether serializers register a schema they do not find. Off in production: schemas are"
              + " then registered only by 'gatestream topics apply'.")
      .define(REGISTRY_COMPATIBILITY, Type.STRING, "BACKWARD",
          ValidString.in("BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
              "FULL_TRANSITIVE", "NONE"),
          Importance.MEDIUM, "Compatibility level set on every Gatestream subject.")
      .define(TOPIC_PREFIX, Type.STRING, "gatestream-", Importance.MEDIUM,
          "Prefix of every Gatestream topic name, so several deployments can share a cluster.")
      .define(TOPIC_PARTITIONS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM,
          "Partitions of the data topics (requests, tasks, results, decisions, feedback).")
      .define(TOPIC_REPLICATION, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
          "Replication factor of every Gatestream topic.")
      .define(EXPERTS, Type.LIST, List.of(), Importance.HIGH,
          "Expert names, comma-separated, as the models call themselves (e.g."
              + " meta/llama-2-70b-chat); each gets its own task topic.")
      .define(STACK_DIR, Type.STRING, ".gatestream", Importance.LOW,
          "Directory of the local stack's data, logs and PID files; relative to the project root.")
      .define(STACK_HOST, Type.STRING, "127.0.0.1", Importance.LOW,
          "Address the local stack binds to.")
      .define(STACK_BROKER_PORT, Type.INT, 9092, Range.between(1, 65535), Importance.LOW,
          "Port of the local Kafka broker.")
      .define(STACK_CONTROLLER_PORT, Type.INT, 9093, Range.between(1, 65535), Importance.LOW,
          "Port of the local broker's KRaft controller listener.")
      .define(STACK_REGISTRY_PORT, Type.INT, 8085, Range.between(1, 65535), Importance.LOW,
          "Port of the local schema registry.")
      .define(STACK_BROKER_HEAP_MB, Type.INT, 256, Range.atLeast(128), Importance.LOW,
          "Heap of the local broker's JVM, MB.")
      .define(STACK_REGISTRY_HEAP_MB, Type.INT, 256, Range.atLeast(96), Importance.LOW,
          "Heap of the local registry's JVM, MB.")
      .define(STACK_START_TIMEOUT_MS, Type.LONG, 120_000L, Range.atLeast(1_000), Importance.LOW,
          "How long 'stack up' waits for each component to become ready.")
      .define(CLIENT_TIMEOUT_MS, Type.INT, 15_000, Range.atLeast(1_000), Importance.LOW,
          "How long admin calls to Kafka and the registry may take before the command gives up.");

  public GatestreamConfig(Map<String, ?> values) {
    super(DEFINITION, values, false);
  }

  /** The environment variable that sets {@code key}: GATESTREAM_ + key upper-cased, dots as underscores. */
  public static String environmentVariable(String key) {
    return "GATESTREAM_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  /** True when the user pointed Gatestream at an existing cluster instead of the local stack. */
  public boolean usesExternalCluster() {
    return !getString(BOOTSTRAP).isBlank();
  }
}
