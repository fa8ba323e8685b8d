package dev.gatestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.replay.Demo;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.cli.replay.ReplayChart;
import dev.gatestream.cli.replay.ReplayProgress;
import dev.gatestream.cli.replay.ReplayTable;
import dev.gatestream.stack.StackException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream demo}: the main job end to end on the local stack, on a bundled slice of real
 * logged traffic: cost-aware routing between a cheap and an expensive LLM, learned online from
 * feedback.
 */
@Command(
    name = "demo",
    description = {
      "Bring up the local stack (unless bootstrap points elsewhere) and replay the bundled slice of RouteLLM's"
          + " logged traffic (GPT-4 and Mixtral on GSM8K and six MMLU subjects, examples/demo) through the whole"
          + " pipeline: the default bandit gate (per expert: ridge-learned quality plus an optimism bonus minus"
          + " the priced expected cost) with a spend target of $0.012 per request (40% of always-GPT-4), replay"
          + " experts, fusion and the Flink adaptation job learning online, train rows then held-out test rows."
          + " Ends with the report and a chart."
    })
final class DemoCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = ".gatestream/demo",
      description =
          "Where the report (replay.json) and the chart (replay.png) go (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(
      names = "--shuffle",
      paramLabel = "SEED",
      defaultValue = "" + Demo.DEFAULT_SEED,
      description = "Seed of the order the rows arrive in (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException, StackException {
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    Path home = GlobalOptions.home();
    List<ReplayRun.Log> logs = Demo.logs(home, seed);
    if (!deployment.external()) {
      ProvisioningText.stackStarted(new Provisioning(deployment, home).startStack(), out);
    }
    ReplayReport report =
        new Demo(deployment, home, WorkDirectory.systemTemp(), new ReplayProgress(out))
            .run(logs, seed);
    ReplayTable.print(report, out);
    Path dir = home.resolve(outDir);
    Files.createDirectories(dir);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dir.resolve("replay.json").toFile(), report);
    ReplayChart.write(report, dir.resolve("replay.png"));
    out.printf("%nreport: %s%nchart:  %s%n", dir.resolve("replay.json"), dir.resolve("replay.png"));
    if (!deployment.external()) {
      out.println("the local stack keeps running: './gatestream stack down' stops it");
    }
    out.flush();
    return 0;
  }
}
