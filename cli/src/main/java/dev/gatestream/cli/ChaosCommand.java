package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.chaos.ChaosReport;
import dev.gatestream.app.chaos.ChaosRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream chaos}: the kill -9 fault run, its checks and recovery times. */
@Command(
    name = "chaos",
    description = {
      "Fault run: router, fusion, two replay experts and the adaptation job each run as a process of"
          + " their own and serve logged traffic while router, one expert, fusion and the adaptation"
          + " job are each killed with kill -9 once and restarted. Checks with a read_committed"
          + " reader that no request was lost or fused twice, that none its experts answered came out"
          + " PARTIAL/TIMEOUT, and that every feedback record was learned once; prints how long each"
          + " stage took to process again. Exit 1 when a check fails. Needs a running stack (or"
          + " bootstrap)."
    })
final class ChaosCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--log",
      paramLabel = "CSV",
      defaultValue = "../shared/data/routing/model7-train.csv",
      description =
          "Wide routing log the traffic and the replay experts come from, relative to the"
              + " project root (default: ${DEFAULT-VALUE}).")
  Path log;

  @Option(
      names = "--requests",
      defaultValue = "20000",
      description =
          "Requests sent, going round the log again under new ids when it has fewer rows"
              + " (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--rate",
      defaultValue = "100",
      description = "Requests per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--deadline",
      defaultValue = "60",
      description = "Each request's deadline, seconds (default: ${DEFAULT-VALUE}).")
  int deadlineSeconds;

  @Option(
      names = "--restart-after",
      defaultValue = "2",
      description = "Seconds a killed stage stays down (default: ${DEFAULT-VALUE}).")
  int restartAfterSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (requests < 10 || rate < 1 || deadlineSeconds < 1 || restartAfterSeconds < 0) {
      throw new UserError(
          "--requests must be at least 10, --rate and --deadline positive, --restart-after >= 0");
    }
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    Path home = GlobalOptions.home();
    ChaosRun.Options defaults = ChaosRun.Options.defaults(requests);
    ChaosRun.Options chosen =
        new ChaosRun.Options(
            requests,
            rate,
            defaults.window(),
            Duration.ofSeconds(deadlineSeconds),
            Duration.ofSeconds(restartAfterSeconds),
            defaults.recoveryTimeout(),
            defaults.seed());
    Path runDir = home.resolve(".gatestream/chaos/" + System.currentTimeMillis());
    out.println("chaos run; stage logs in " + runDir);
    out.flush();
    ChaosReport report =
        new ChaosRun(
                deployment.config(),
                deployment.bootstrapServers(),
                deployment.registryUrl(),
                home,
                chosen,
                Clock.systemUTC(),
                line -> {
                  out.println(line);
                  out.flush();
                })
            .run(home.resolve(log), runDir);
    report.lines().forEach(out::println);
    out.flush();
    return report.passed() ? 0 : 1;
  }
}
