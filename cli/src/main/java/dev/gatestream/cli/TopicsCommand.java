package dev.gatestream.cli;

import dev.gatestream.app.Provisioning;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream topics apply}: make the cluster and registry hold the catalogue. */
@Command(
    name = "topics",
    description = "Manage the topic catalogue.",
    subcommands = TopicsCommand.Apply.class)
final class TopicsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "apply",
      description = {
        "Create missing topics, check existing ones against the catalogue and report drift;"
            + " register every value schema under BACKWARD (or the configured) compatibility.",
        "Exit code 0 when everything matches, 1 when some topic drifted, 2 on errors."
      })
  static final class Apply implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = "--experts",
        split = ",",
        paramLabel = "NAME",
        description = "Expert names to create task topics for (default: the 'experts' setting).")
    List<String> experts;

    @Override
    public Integer call() {
      Provisioning provisioning = new Provisioning(options.deployment(), GlobalOptions.home());
      return ProvisioningText.topicsApplied(
          provisioning.applyTopics(experts),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }
}
