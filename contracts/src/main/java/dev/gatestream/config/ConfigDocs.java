package dev.gatestream.config;

import dev.gatestream.clients.KafkaClients;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The settings reference as Markdown, rendered from {@link GatestreamConfig}'s catalogue: the
 * README's settings block is this text, so the catalogue stays the one place a setting is
 * documented.
 */
public final class ConfigDocs {

  public static final String BEGIN_MARKER = "<!-- settings:begin -->";
  public static final String END_MARKER = "<!-- settings:end -->";

  /** The command that rewrites the README's block from the catalogue. */
  public static final String REGENERATE = "./gatestream config docs --readme README.md";

  /**
   * Key prefix (the key's first dot-separated word) to the group it is listed under, in README
   * order.
   */
  private static final Map<String, String> GROUPS = new LinkedHashMap<>();

  static {
    group("Cluster, registry and topics", "bootstrap", "registry", "topic", "client");
    group("Local stack", "stack");
    group("Experts", "experts", "expert");
    group("Kafka Streams stages (router and fusion)", "streams", "pipeline");
    group("Router", "router");
    group("Fusion", "fusion");
    group("Adaptation (the Flink job)", "adaptation");
    group("Policy lifecycle (shadow experts, candidates, promotion)", "policy");
    group("HTTP gateway", "gateway");
    group("Metrics", "metrics");
  }

  private static final String OTHER_GROUP = "Other settings";

  private ConfigDocs() {}

  /** The settings reference: one table per group of keys, then the Kafka client pass-through. */
  public static String markdown() {
    return markdown(GatestreamConfig.definition());
  }

  static String markdown(ConfigDef definition) {
    Map<String, List<ConfigKey>> grouped = new LinkedHashMap<>();
    GROUPS.values().forEach(title -> grouped.putIfAbsent(title, new ArrayList<>()));
    grouped.put(OTHER_GROUP, new ArrayList<>());
    for (ConfigKey key : definition.configKeys().values()) {
      grouped.get(groupOf(key.name)).add(key);
    }
    StringBuilder out = new StringBuilder();
    out.append(
            "<!-- Generated from GatestreamConfig by ConfigDocs; do not edit by hand. Regenerate: ")
        .append(REGENERATE)
        .append(" -->\n");
    grouped.forEach(
        (title, keys) -> {
          if (!keys.isEmpty()) {
            table(out, title, keys);
          }
        });
    passThrough(out);
    return out.toString();
  }

  /**
   * The text between the markers in {@code document}, without them and the line break after the
   * first, so that it equals {@link #markdown()} when current.
   */
  public static String block(String document) {
    int[] span = span(document);
    String block = document.substring(span[0], span[1]);
    return block.startsWith("\n") ? block.substring(1) : block;
  }

  /** {@code document} with the text between the markers replaced by {@link #markdown()}. */
  public static String splice(String document) {
    int[] span = span(document);
    return document.substring(0, span[0]) + "\n" + markdown() + document.substring(span[1]);
  }

  private static int[] span(String document) {
    int begin = document.indexOf(BEGIN_MARKER);
    int end = document.indexOf(END_MARKER);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "no settings block: the document needs a line "
              + BEGIN_MARKER
              + " and, after it, a line "
              + END_MARKER);
    }
    return new int[] {begin + BEGIN_MARKER.length(), end};
  }

  private static void group(String title, String... prefixes) {
    for (String prefix : prefixes) {
      GROUPS.put(prefix, title);
    }
  }

  private static String groupOf(String key) {
    int dot = key.indexOf('.');
    return GROUPS.getOrDefault(dot < 0 ? key : key.substring(0, dot), OTHER_GROUP);
  }

  private static void table(StringBuilder out, String title, List<ConfigKey> keys) {
    List<String> prefixes = new ArrayList<>();
    GROUPS.forEach(
        (prefix, group) -> {
          if (group.equals(title)) {
            if (keys.stream().anyMatch(key -> key.name.equals(prefix))) {
              prefixes.add("`" + prefix + "`");
            }
            if (keys.stream().anyMatch(key -> key.name.startsWith(prefix + "."))) {
              prefixes.add("`" + prefix + ".*`");
            }
          }
        });
    out.append("\n**").append(title).append("**");
    if (!prefixes.isEmpty()) {
      out.append(" (").append(String.join(", ", prefixes)).append(')');
    }
    out.append("\n\n| key | type | default | valid values | importance | what it does |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (ConfigKey key : keys) {
      out.append("| `")
          .append(cell(key.name))
          .append("` | ")
          .append(key.type.name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(defaultValue(key))
          .append(" | ")
          .append(validValues(key))
          .append(" | ")
          .append(key.importance.name().toLowerCase(Locale.ROOT))
          .append(" | ")
          .append(cell(key.documentation))
          .append(" |\n");
    }
  }

  private static void passThrough(StringBuilder out) {
    out.append("\n**Kafka client settings** (`")
        .append(GatestreamConfig.KAFKA_PREFIX)
        .append("*`)\n\n")
        .append("Any key under `")
        .append(GatestreamConfig.KAFKA_PREFIX)
        .append(
            "` is passed, without the prefix, to every Kafka client Gatestream makes (producers,")
        .append(
            " consumers, admin clients, the Kafka Streams stages and the Flink job's source and sink):")
        .append(
            " `kafka.security.protocol=SASL_SSL` sets `security.protocol`. These prefixes narrow a")
        .append(" setting to one kind of client and win over the shared one: ");
    List<String> kinds = new ArrayList<>();
    for (KafkaClients.Kind kind : KafkaClients.Kind.values()) {
      kinds.add("`" + kind.prefix() + "*`");
    }
    out.append(String.join(", ", kinds))
        .append(". They may come from the config file, `--set`, or")
        .append(" environment variables: `")
        .append(GatestreamConfig.environmentVariable("kafka.sasl.mechanism"))
        .append(
            "` sets `kafka.sasl.mechanism` (underscores become dots, as Kafka's own keys have none).")
        .append(
            " The bootstrap servers and the client, group, transactional and application ids are")
        .append(" always Gatestream's own.\n");
  }

  private static String defaultValue(ConfigKey key) {
    if (!key.hasDefault()) {
      return "(required)";
    }
    String text =
        key.defaultValue == null ? "" : ConfigDef.convertToString(key.defaultValue, key.type);
    return text.isEmpty() ? "(empty)" : "`" + cell(text) + "`";
  }

  private static String validValues(ConfigKey key) {
    if (key.validator == null) {
      return "";
    }
    String text = key.validator.toString();
    if (key.validator instanceof ValidString || key.validator instanceof ValidList) {
      // Kafka renders these as "[a, b, c]": list the choices one by one.
      List<String> choices = new ArrayList<>();
      for (String choice : text.substring(1, text.length() - 1).split(", ")) {
        choices.add("`" + cell(choice) + "`");
      }
      return String.join(", ", choices);
    }
    return "`" + cell(text) + "`";
  }

  /**
   * Text fit for one table cell: pipes escaped (GitHub reads them as cell borders even in code).
   */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }
}
