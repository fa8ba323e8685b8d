package dev.gatestream.cli;

import dev.gatestream.app.Deployment;

import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.stack.StackException;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream up}: the whole data plane, on the local stack unless bootstrap points elsewhere. */
@Command(name = "up", description = {"Start the local stack (unless bootstrap points elsewhere), apply the"
    + " topic catalogue, and run router, experts and fusion in this JVM until Ctrl-C."})
final class UpCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws StackException, InterruptedException {
    Deployment deployment = options.deployment();
    List<ExpertSpec> experts = ExpertCatalog.load(deployment.config(), GlobalOptions.home());
    StackCommand.Up.start(deployment, spec.commandLine().getOut());
    int applied = TopicsCommand.Apply.apply(deployment, experts.stream().map(ExpertSpec::name).toList(),
        spec.commandLine().getOut(), spec.commandLine().getErr());
    if (applied != 0) {
      return applied;
    }
    return RunCommand.runUntilInterrupted(deployment, experts, EnumSet.allOf(Stage.class),
        spec.commandLine().getOut());
  }
}
