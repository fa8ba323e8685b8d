package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.app.pipeline.PipelineHealth;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.gateway.Gateway;
import dev.gatestream.stack.StackException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream up}: the whole data plane, on the local stack unless bootstrap points
 * elsewhere.
 */
@Command(
    name = "up",
    description = {
      "Start the local stack (unless bootstrap points elsewhere), apply the"
          + " topic catalogue, and run router, experts and fusion in this JVM until Ctrl-C."
    })
final class UpCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--gateway",
      description =
          "Also serve the HTTP gateway (gateway.* settings) in this JVM; its /v1/health is DOWN while"
              + " a stage is unhealthy.")
  boolean gateway;

  @Override
  public Integer call() throws StackException, InterruptedException, IOException {
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    Provisioning provisioning = new Provisioning(deployment, GlobalOptions.home());
    List<ExpertSpec> experts = provisioning.experts();
    ProvisioningText.stackStarted(provisioning.startStack(), out);
    int applied =
        ProvisioningText.topicsApplied(
            provisioning.applyTopics(experts.stream().map(ExpertSpec::name).toList()),
            out,
            spec.commandLine().getErr());
    if (applied != 0) {
      return applied;
    }
    EnumSet<Stage> stages = EnumSet.allOf(Stage.class);
    Provisioning.Served served = provisioning.startStages(experts, stages, "up");
    if (!gateway) {
      return StagesInForeground.run(served, deployment, stages, out, spec.commandLine().getErr());
    }
    Gateway embedded;
    try {
      embedded =
          Gateway.start(
              deployment.config(),
              deployment.bootstrapServers(),
              deployment.registryUrl(),
              PipelineHealth.of(served.pipeline()));
    } catch (IOException | RuntimeException e) {
      served.close();
      throw e;
    }
    try (embedded) {
      out.println("gateway " + embedded.instanceId() + " listening on " + embedded.uri());
      return StagesInForeground.run(served, deployment, stages, out, spec.commandLine().getErr());
    }
  }
}
