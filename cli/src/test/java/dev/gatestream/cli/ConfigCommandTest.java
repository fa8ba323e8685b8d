package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.ConfigDocs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void docsPrintsTheRenderedCatalogue() {
    assertThat(run("config", "docs")).isZero();
    assertThat(out.toString()).isEqualTo(ConfigDocs.markdown());
  }

  @Test
  void docsRewritesTheBlockOfAReadmeInPlace(@TempDir Path dir) throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme,
        "intro\n" + ConfigDocs.BEGIN_MARKER + "\nstale\n" + ConfigDocs.END_MARKER + "\nrest\n");

    assertThat(run("config", "docs", "--readme", readme.toString())).isZero();
    String rewritten = Files.readString(readme);
    assertThat(ConfigDocs.block(rewritten)).isEqualTo(ConfigDocs.markdown());
    assertThat(rewritten).startsWith("intro\n").endsWith("\nrest\n");
    assertThat(out.toString()).contains("settings block regenerated");

    assertThat(run("config", "docs", "--readme", readme.toString())).isZero();
    assertThat(out.toString()).contains("settings block already current");
    assertThat(Files.readString(readme)).isEqualTo(rewritten);
  }

  @Test
  void aReadmeWithoutTheMarkersIsOneLineAndExitTwo(@TempDir Path dir) throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "no block\n");

    assertThat(run("config", "docs", "--readme", readme.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no settings block").hasLineCount(1);
    assertThat(Files.readString(readme)).isEqualTo("no block\n");
  }
}
