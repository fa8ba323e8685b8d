package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Foreground;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.UserError;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.gateway.Gateway;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gatestream run router|fusion|expert NAME}: one stage alone, in the foreground. */
@Command(
    name = "run",
    description = {
      "Run one stage of the data plane in the foreground until Ctrl-C:",
      "  router        requests -> expert tasks + routing decisions",
      "  fusion        decisions + expert results -> fused results",
      "  expert NAME   a worker of one expert (start as many as you like: they share a consumer group)",
      "  gateway       the HTTP gateway: POST /v1/infer, GET /v1/health, GET /metrics (gateway.* settings)"
    })
final class RunCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "STAGE", description = "router, fusion, expert or gateway")
  String stage;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "NAME",
      description = "the expert's name (for 'expert')")
  String expertName;

  @Override
  public Integer call() throws InterruptedException, IOException {
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    if (stage.equals("gateway")) {
      Gateway gateway =
          Gateway.start(
              deployment.config(), deployment.bootstrapServers(), deployment.registryUrl());
      out.println(
          "gateway "
              + gateway.instanceId()
              + " listening on "
              + gateway.uri()
              + " (replies on "
              + gateway.replyTopic()
              + "); Ctrl-C stops");
      out.flush();
      Foreground.run(gateway);
      return 0;
    }
    Provisioning provisioning = new Provisioning(deployment, GlobalOptions.home());
    List<ExpertSpec> experts = provisioning.experts();
    Set<Stage> stages;
    switch (stage) {
      case "router" -> stages = EnumSet.of(Stage.ROUTER);
      case "fusion" -> stages = EnumSet.of(Stage.FUSION);
      case "expert" -> {
        if (expertName == null) {
          throw new UserError("run expert needs the expert's name, one of " + names(experts));
        }
        List<ExpertSpec> configured = experts;
        experts = configured.stream().filter(e -> e.name().equals(expertName)).toList();
        if (experts.isEmpty()) {
          throw new UserError(
              "no expert '" + expertName + "' is configured; configured: " + names(configured));
        }
        stages = EnumSet.of(Stage.EXPERTS);
      }
      default ->
          throw new UserError(
              "unknown stage '" + stage + "': use router, fusion, expert NAME or gateway");
    }
    Provisioning.Served served =
        provisioning.startStages(
            experts, stages, stage.equals("expert") ? "expert-" + expertName : stage);
    return StagesInForeground.run(served, deployment, stages, out, spec.commandLine().getErr());
  }

  private static String names(List<ExpertSpec> experts) {
    return String.join(", ", experts.stream().map(ExpertSpec::name).toList());
  }
}
