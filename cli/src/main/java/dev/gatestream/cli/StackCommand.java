package dev.gatestream.cli;

import dev.gatestream.app.Deployment;

import dev.gatestream.stack.ComponentStatus;
import dev.gatestream.stack.StackException;
import dev.gatestream.stack.StackStatus;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream stack up|down|status}: the local broker and schema registry. */
@Command(name = "stack", description = "Run the local stack: a Kafka broker (KRaft) and an Apicurio schema registry, each in its own JVM.",
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
final class StackCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "up", description = "Start the broker and the registry (if not running) and wait until both answer.")
  static final class Up implements java.util.concurrent.Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws StackException {
      start(options.deployment(), spec.commandLine().getOut());
      return 0;
    }

    static void start(Deployment deployment, PrintWriter out) throws StackException {
      if (deployment.external()) {
        out.println("bootstrap is set: using the existing cluster, nothing to start");
        return;
      }
      long start = System.nanoTime();
      StackStatus status = deployment.localStack().up();
      print(out, status);
      out.printf("stack up in %.1fs%n", Duration.ofNanos(System.nanoTime() - start).toMillis() / 1000.0);
      out.flush();
    }
  }

  @Command(name = "down", description = "Stop the processes 'stack up' started (and only those).")
  static final class Down implements java.util.concurrent.Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws StackException {
      Deployment deployment = options.deployment();
      print(spec.commandLine().getOut(), deployment.localStack().down());
      return 0;
    }
  }

  @Command(name = "status", description = "Tell what runs where. Exit code 0 when all runs, 1 otherwise.")
  static final class Status implements java.util.concurrent.Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Deployment deployment = options.deployment();
      StackStatus status = deployment.localStack().status();
      print(spec.commandLine().getOut(), status);
      return status.allRunning() ? 0 : 1;
    }
  }

  static void print(PrintWriter out, StackStatus status) {
    for (ComponentStatus component : status.components()) {
      String memory = component.rssBytes() < 0 ? "-" : (component.rssBytes() >> 20) + " MB";
      out.printf("%-9s %-8s pid %-7s %-28s rss %-7s %s%n", component.name(),
          component.running() ? "running" : "stopped",
          component.pid() < 0 ? "-" : String.valueOf(component.pid()), component.endpoint(), memory,
          component.detail() == null ? "" : component.detail());
    }
    out.flush();
  }
}
