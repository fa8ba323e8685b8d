package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.observability.HealthProbe;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.stack.StackStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream status}: the local stack, and each stage of the processes serving /health. */
@Command(
    name = "status",
    description = {
      "Tell what runs: the local stack's broker and registry, and each stage"
          + " (RUNNING, REBALANCING, ERROR, workers running) of the 'up' or 'run' processes, read from their /health"
          + " endpoints. Exit code 0 when everything runs and is healthy, 1 otherwise."
    })
final class StatusCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--endpoint",
      paramLabel = "HOST:PORT",
      description =
          "A process's metrics endpoint to ask"
              + " (repeatable; default: metrics.host:metrics.port, the one 'gatestream up' serves).")
  List<String> endpoints = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    GatestreamConfig config = options.load();
    boolean ok = true;
    if (!config.usesExternalCluster()) {
      Deployment deployment = new Deployment(config, GlobalOptions.home());
      StackStatus stack = deployment.localStack().status();
      ProvisioningText.status(stack, out);
      ok = stack.allRunning();
    }
    List<String> asked =
        endpoints.isEmpty()
            ? List.of(
                config.getString(GatestreamConfig.METRICS_HOST)
                    + ":"
                    + config.getInt(GatestreamConfig.METRICS_PORT))
            : endpoints;
    HealthProbe probe = new HealthProbe(Duration.ofSeconds(3));
    for (String endpoint : asked) {
      int colon = endpoint.lastIndexOf(':');
      int port;
      try {
        port = Integer.parseInt(endpoint.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (colon < 1 || port < 0) {
        throw new UserError("--endpoint '" + endpoint + "' is not HOST:PORT");
      }
      HealthProbe.Answer answer = probe.probe(endpoint.substring(0, colon), port);
      if (answer.problem() != null) {
        out.printf("%-20s %s%n", answer.endpoint(), answer.problem());
      }
      int width = answer.stages().keySet().stream().mapToInt(String::length).max().orElse(0);
      answer
          .stages()
          .forEach(
              (stage, state) ->
                  out.printf("%-20s %-" + width + "s  %s%n", answer.endpoint(), stage, state));
      ok &= answer.healthy();
    }
    out.flush();
    return ok ? 0 : 1;
  }
}
