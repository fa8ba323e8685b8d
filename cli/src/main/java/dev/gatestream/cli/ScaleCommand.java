package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.bench.ScaleOutRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream scale}: throughput by expert replica count. */
@Command(
    name = "scale",
    description = {
      "Scale-out figure: one replay expert on a slow backend (it waits a share of each logged"
          + " latency, one task at a time per process) run as 1, 2, 4 and 8 worker processes of one"
          + " group, with router and fusion; prints the throughput of each count. Replicas add"
          + " throughput up to the partition count of the expert's task topic (topic.partitions)."
          + " Needs a running stack (or bootstrap)."
    })
final class ScaleCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--log",
      paramLabel = "CSV",
      defaultValue = "../shared/data/routing/bfcl-v2-train.csv",
      description =
          "Wide routing log with logged latencies; its first expert is replayed, relative to the"
              + " project root (default: ${DEFAULT-VALUE}).")
  Path log;

  @Option(
      names = "--replicas",
      split = ",",
      defaultValue = "1,2,4,8",
      description = "Expert process counts, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> replicas;

  @Option(
      names = "--requests",
      defaultValue = "150",
      description = "Requests per count (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(
      names = "--latency-scale",
      defaultValue = "0.25",
      description = "Share of each logged latency the backend waits (default: ${DEFAULT-VALUE}).")
  double latencyScale;

  @Override
  public Integer call() throws IOException, InterruptedException {
    ScaleOutRun.Options chosen;
    try {
      chosen = new ScaleOutRun.Options(replicas, requests, 64, latencyScale);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    Path home = GlobalOptions.home();
    Path runDir = home.resolve(".gatestream/scale/" + System.currentTimeMillis());
    out.println("scale-out run; stage logs in " + runDir);
    out.flush();
    List<ScaleOutRun.Row> rows =
        new ScaleOutRun(
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
    out.println(ScaleOutRun.HEADER);
    rows.forEach(row -> out.println(ScaleOutRun.line(row, rows.get(0))));
    out.flush();
    return 0;
  }
}
