package dev.gatestream.cli;

import dev.gatestream.config.ConfigDocs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream config docs}: the settings reference, rendered from the config catalogue. */
@Command(
    name = "config",
    description = "About Gatestream's settings.",
    subcommands = ConfigCommand.Docs.class)
final class ConfigCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "docs",
      description = {
        "Print the settings reference (Markdown) rendered from the config catalogue: every key with its type,"
            + " default, valid values, importance and documentation, and the kafka.* pass-through.",
        "With --readme, rewrite the block between "
            + ConfigDocs.BEGIN_MARKER
            + " and "
            + ConfigDocs.END_MARKER
            + " in that file instead."
      })
  static final class Docs implements Callable<Integer> {

    @Option(
        names = "--readme",
        paramLabel = "FILE",
        description = "Markdown file whose settings block to regenerate in place (e.g. README.md).")
    Path readme;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      if (readme == null) {
        out.print(ConfigDocs.markdown());
      } else {
        String before = Files.readString(readme, StandardCharsets.UTF_8);
        String after = ConfigDocs.splice(before);
        if (after.equals(before)) {
          out.println(readme + ": settings block already current");
        } else {
          Files.writeString(readme, after, StandardCharsets.UTF_8);
          out.println(readme + ": settings block regenerated");
        }
      }
      out.flush();
      return 0;
    }
  }
}
