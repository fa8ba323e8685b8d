package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;

import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.gateway.Gateway;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream run router|fusion|expert NAME}: one stage alone, in the foreground. */
@Command(name = "run", description = {"Run one stage of the data plane in the foreground until Ctrl-C:",
    "  router        requests -> expert tasks + routing decisions",
    "  fusion        decisions + expert results -> fused results",
    "  expert NAME   a worker of one expert (start as many as you like: they share a consumer group)",
    "  gateway       the HTTP gateway: POST /v1/infer, GET /v1/health, GET /metrics (gateway.* settings)"})
final class RunCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "STAGE", description = "router, fusion, expert or gateway")
  String stage;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "the expert's name (for 'expert')")
  String expertName;

  @Override
  public Integer call() throws InterruptedException, java.io.IOException {
    Deployment deployment = options.deployment();
    if (stage.equals("gateway")) {
      return runGateway(deployment, spec.commandLine().getOut());
    }
    List<ExpertSpec> experts = ExpertCatalog.load(deployment.config(), GlobalOptions.home());
    Set<Stage> stages;
    switch (stage) {
      case "router" -> stages = EnumSet.of(Stage.ROUTER);
      case "fusion" -> stages = EnumSet.of(Stage.FUSION);
      case "expert" -> {
        if (expertName == null) {
          throw new UserError("run expert needs the expert's name, one of " + names(experts));
        }
        experts = experts.stream().filter(e -> e.name().equals(expertName)).toList();
        if (experts.isEmpty()) {
          throw new UserError("no expert '" + expertName + "' is configured; configured: "
              + names(ExpertCatalog.load(deployment.config(), GlobalOptions.home())));
        }
        stages = EnumSet.of(Stage.EXPERTS);
      }
      default -> throw new UserError("unknown stage '" + stage + "': use router, fusion, expert NAME or gateway");
    }
    return runUntilInterrupted(deployment, experts, stages, spec.commandLine().getOut());
  }

  /** Starts the stages and reports progress until the JVM is asked to stop. */
  static int runUntilInterrupted(Deployment deployment, List<ExpertSpec> experts, Set<Stage> stages,
      PrintWriter out) throws InterruptedException {
    Pipeline pipeline = Pipeline.start(deployment.config(), deployment.bootstrapServers(),
        deployment.registryUrl(), experts, stages, GlobalOptions.home());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      pipeline.close();
      stopped.countDown();
    }, "gatestream-shutdown"));
    out.println("running " + stages + " against " + deployment.bootstrapServers() + "; Ctrl-C stops");
    out.flush();
    while (!stopped.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
      out.println(pipeline.status());
      out.flush();
    }
    return 0;
  }

  private static int runGateway(Deployment deployment, PrintWriter out)
      throws InterruptedException, java.io.IOException {
    Gateway gateway = Gateway.start(deployment.config(), deployment.bootstrapServers(), deployment.registryUrl());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      stopped.countDown();
    }, "gatestream-gateway-shutdown"));
    out.println("gateway " + gateway.instanceId() + " listening on " + gateway.uri() + " (replies on "
        + gateway.replyTopic() + "); Ctrl-C stops");
    out.flush();
    stopped.await();
    return 0;
  }

  private static String names(List<ExpertSpec> experts) {
    return String.join(", ", experts.stream().map(ExpertSpec::name).toList());
  }
}
