package dev.gatestream.cli;

import dev.gatestream.stack.StackException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream up}: bring up what Gatestream runs on, with its topics and schemas. */
@Command(name = "up", description = "Start the local stack (unless bootstrap points elsewhere) and apply the topic catalogue.")
final class UpCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws StackException {
    Deployment deployment = new Deployment(options.load());
    StackCommand.Up.start(deployment, spec.commandLine().getOut());
    return TopicsCommand.Apply.apply(deployment, null, spec.commandLine().getOut(), spec.commandLine().getErr());
  }
}
