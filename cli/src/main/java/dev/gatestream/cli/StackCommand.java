package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Provisioning;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.stack.FlinkCluster;
import dev.gatestream.stack.FlinkSettings;
import dev.gatestream.stack.StackException;
import dev.gatestream.stack.StackStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream stack up|down|status}: the local broker and schema registry. */
@Command(
    name = "stack",
    description =
        "Run the local stack: a Kafka broker (KRaft) and an Apicurio schema registry, each in its own JVM.",
    subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
final class StackCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "up",
      description =
          "Start the broker and the registry (if not running) and wait until both answer.")
  static final class Up implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = "--secure",
        description =
            "Secured stack (setting: stack.secure): SASL_SSL broker with ACLs and one principal per"
                + " service, https registry; writes each service's settings.")
    boolean secure;

    @Option(
        names = "--flink",
        description =
            "Also start a Flink session cluster (a JobManager with its REST API on port "
                + FlinkSettings.DEFAULT_REST_PORT
                + " and one TaskManager), for 'gatestream adaptation submit'.")
    boolean flink;

    @Option(
        names = "--brokers",
        paramLabel = "N",
        description =
            "Brokers (setting: "
                + GatestreamConfig.STACK_BROKERS
                + ", default 1): with 3, a 3-voter KRaft cluster, each node its own JVM, whose"
                + " topics have 3 replicas and min.insync.replicas=2. Later commands see how many"
                + " run from the stack's pid files.")
    Integer brokers;

    @Override
    public Integer call() throws StackException {
      if (secure) {
        options.overrides.put(GatestreamConfig.STACK_SECURE, "true");
      }
      if (brokers != null) {
        options.overrides.put(GatestreamConfig.STACK_BROKERS, brokers.toString());
      }
      Deployment deployment = options.deployment();
      ProvisioningText.stackStarted(
          new Provisioning(deployment, GlobalOptions.home()).startStack(),
          spec.commandLine().getOut());
      deployment
          .localStack()
          .security()
          .ifPresent(
              security ->
                  spec.commandLine()
                      .getOut()
                      .println(
                          "secured: each service's credentials are in "
                              + security.credentialsDir()
                              + "; run the other commands with "
                              + GatestreamConfig.STACK_SECURE
                              + "=true (e.g. GATESTREAM_STACK_SECURE=true)"));
      if (flink) {
        long start = System.nanoTime();
        FlinkCluster cluster =
            new FlinkCluster(FlinkSettings.of(deployment.localStack().settings()));
        ProvisioningText.status(cluster.up(), spec.commandLine().getOut());
        spec.commandLine()
            .getOut()
            .printf(
                "flink cluster up in %.1fs: REST API and web UI at %s%n",
                (System.nanoTime() - start) / 1e9, cluster.restUrl());
        spec.commandLine().getOut().flush();
      }
      return 0;
    }
  }

  @Command(
      name = "down",
      description =
          "Stop the processes 'stack up' started (and only those), the Flink cluster's first.")
  static final class Down implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws StackException {
      Deployment deployment = options.deployment();
      new FlinkCluster(FlinkSettings.of(deployment.localStack().settings())).down();
      ProvisioningText.status(deployment.localStack().down(), spec.commandLine().getOut());
      return 0;
    }
  }

  @Command(
      name = "status",
      description =
          "Tell what runs where (the Flink cluster too, while it runs). Exit code 0 when broker and"
              + " registry run, 1 otherwise.")
  static final class Status implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Deployment deployment = options.deployment();
      StackStatus status = deployment.localStack().status();
      ProvisioningText.status(status, spec.commandLine().getOut());
      // The Flink cluster is optional (stack up --flink): shown while any of it runs, never
      // counted.
      StackStatus flink =
          new FlinkCluster(FlinkSettings.of(deployment.localStack().settings())).status();
      if (!flink.noneRunning()) {
        ProvisioningText.status(flink, spec.commandLine().getOut());
      }
      return status.allRunning() ? 0 : 1;
    }
  }
}
