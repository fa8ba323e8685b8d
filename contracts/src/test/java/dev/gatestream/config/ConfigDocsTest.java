package dev.gatestream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.clients.KafkaClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

  @Test
  void theReadmeSettingsBlockIsTheCatalogueRendered() throws IOException {
    Path readme = projectRoot().resolve("README.md");
    String text = Files.readString(readme);
    assertThat(text)
        .as(
            "%s: the settings reference goes between a line %s and a line %s; fill it with: %s",
            readme, ConfigDocs.BEGIN_MARKER, ConfigDocs.END_MARKER, ConfigDocs.REGENERATE)
        .contains(ConfigDocs.BEGIN_MARKER, ConfigDocs.END_MARKER);

    assertThat(ConfigDocs.block(text))
        .as(
            "%s: the settings block (between %s and %s) differs from GatestreamConfig's catalogue;"
                + " regenerate it from the project root with: %s",
            readme, ConfigDocs.BEGIN_MARKER, ConfigDocs.END_MARKER, ConfigDocs.REGENERATE)
        .isEqualTo(ConfigDocs.markdown());
  }

  @Test
  void listsEveryKeyOnceWithTypeDefaultValidValuesAndImportance() {
    String markdown = ConfigDocs.markdown();

    for (String key : GatestreamConfig.definition().names()) {
      assertThat(count(markdown, "| `" + key + "` |")).as(key).isEqualTo(1);
    }
    assertThat(markdown)
        .contains(
            "| `topic.partitions` | int | `4` | `[1,...]` | medium | Partitions of the data topics")
        .contains("| `bootstrap` | string | (empty) |  | high | Kafka bootstrap servers")
        .contains("| `router.gate` | string | `bandit` | `bandit`, `task-rules`, `softmax-top-k`,")
        .contains(
            "| `router.features` | list | `task,hashed,length` | `task`, `hashed`, `minilm`, `numeric`,");
  }

  @Test
  void groupsKeysByPrefixInCatalogueOrder() {
    String markdown = ConfigDocs.markdown();

    assertThat(
            markdown.indexOf(
                "**Cluster, registry and topics** (`bootstrap`, `registry.*`, `topic.*`, `client.*`)"))
        .isGreaterThanOrEqualTo(0)
        .isLessThan(markdown.indexOf("**Local stack** (`stack.*`)"));
    assertThat(markdown.indexOf("**Experts** (`experts`, `experts.*`, `expert.*`)"))
        .isLessThan(markdown.indexOf("**Router** (`router.*`)"));
    int router = markdown.indexOf("**Router**");
    int fusion = markdown.indexOf("**Fusion**");
    assertThat(markdown.indexOf("| `router.gate.k` |")).isBetween(router, fusion);
    assertThat(markdown.indexOf("| `router.gate` |"))
        .isLessThan(markdown.indexOf("| `router.gate.k` |"));
  }

  @Test
  void keysOfAnUnknownPrefixStillAppearAndPipesDoNotBreakTheTable() {
    ConfigDef definition =
        new ConfigDef()
            .define("router.rules", Type.STRING, "a=x|y", Importance.LOW, "Rules, 'a=x|y'.")
            .define("brand.new.key", Type.INT, 3, Importance.LOW, "Something new.\nOn two lines.");

    String markdown = ConfigDocs.markdown(definition);

    assertThat(markdown)
        .contains("| `router.rules` | string | `a=x\\|y` |  | low | Rules, 'a=x\\|y'. |")
        .contains("**Other settings**\n")
        .contains("| `brand.new.key` | int | `3` |  | low | Something new. On two lines. |")
        .doesNotContain("**Local stack**");
  }

  @Test
  void documentsTheKafkaPassThroughForEveryKindOfClient() {
    String markdown = ConfigDocs.markdown();

    assertThat(markdown)
        .contains("**Kafka client settings** (`kafka.*`)", "GATESTREAM_KAFKA_SASL_MECHANISM");
    for (KafkaClients.Kind kind : KafkaClients.Kind.values()) {
      assertThat(markdown).contains("`" + kind.prefix() + "*`");
    }
  }

  @Test
  void spliceReplacesOnlyTheBlockAndIsIdempotent() {
    String document =
        "# Title\n\ntext\n"
            + ConfigDocs.BEGIN_MARKER
            + "\n| old | table |\n"
            + ConfigDocs.END_MARKER
            + "\nafter\n";

    String spliced = ConfigDocs.splice(document);

    assertThat(spliced)
        .startsWith("# Title\n\ntext\n" + ConfigDocs.BEGIN_MARKER + "\n")
        .endsWith(ConfigDocs.END_MARKER + "\nafter\n")
        .doesNotContain("| old | table |");
    assertThat(ConfigDocs.block(spliced)).isEqualTo(ConfigDocs.markdown());
    assertThat(ConfigDocs.splice(spliced)).isEqualTo(spliced);
  }

  @Test
  void aDocumentWithoutTheMarkersIsRefused() {
    assertThatThrownBy(() -> ConfigDocs.block("no markers here"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ConfigDocs.BEGIN_MARKER);
    assertThatThrownBy(
            () -> ConfigDocs.splice(ConfigDocs.END_MARKER + "\n" + ConfigDocs.BEGIN_MARKER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ConfigDocs.END_MARKER);
  }

  private static int count(String text, String part) {
    Matcher matcher = Pattern.compile(Pattern.quote(part)).matcher(text);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  /** The directory with the README and this module: surefire runs in the module's directory. */
  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md"))
          && Files.isDirectory(dir.resolve("contracts"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no project root with README.md above " + Path.of("").toAbsolutePath());
  }
}
