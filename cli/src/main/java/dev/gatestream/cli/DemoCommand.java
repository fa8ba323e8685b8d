package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.cli.replay.ReplayChart;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.cli.replay.ReplayTable;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import dev.gatestream.stack.StackException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gatestream demo}: the main job end to end on the local stack, on a bundled slice of real logged
 * traffic: cost-aware routing between a cheap and an expensive LLM, learned online from feedback.
 */
@Command(name = "demo", description = {
    "Bring up the local stack (unless bootstrap points elsewhere) and replay the bundled slice of RouteLLM's"
        + " logged traffic (GPT-4 and Mixtral on GSM8K and six MMLU subjects, examples/demo) through the whole"
        + " pipeline: the default bandit gate (per expert: ridge-learned quality plus an optimism bonus minus"
        + " the priced expected cost) with a spend target of $0.012 per request (40% of always-GPT-4), replay"
        + " experts, fusion and the Flink adaptation job learning online, train rows then held-out test rows."
        + " Ends with the report and a chart."})
final class DemoCommand implements Callable<Integer> {

  static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";
  static final String GPT4 = "gpt-4-1106-preview";

  /**
   * The demo's routing, unless the configuration sets otherwise: the defaults (the bandit gate, one expert
   * per request, over the ridge learner's per-task quality), with GPT-4 priced at 50 times Mixtral and the
   * spend held at 40% of always-GPT-4 by the spend controller. With so few rows, learning needs fresh
   * weights: they are published every 20 examples or 200 ms and at most 5 requests are in flight.
   */
  private static final Map<String, String> DEMO_SETTINGS = Map.of(
      GatestreamConfig.ROUTER_SPEND_TARGET, "0.012",
      GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES, "20",
      GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "200",
      GatestreamConfig.EXPERTS_PRICES, MIXTRAL + "=0.0006," + GPT4 + "=0.03");

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".gatestream/demo",
      description = "Where the report (replay.json) and the chart (replay.png) go (default: ${DEFAULT-VALUE}).")
  Path outDir;

  @Option(names = "--shuffle", paramLabel = "SEED", defaultValue = "7",
      description = "Seed of the order the rows arrive in (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException, StackException {
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    Path home = GlobalOptions.home();
    List<ReplayRun.Log> logs = List.of(
        read(home.resolve("examples/demo/routellm-train.csv"), "train"),
        read(home.resolve("examples/demo/routellm-test.csv"), "test (held out)"));
    if (!deployment.external()) {
      StackCommand.Up.start(deployment, out);
    }
    Map<String, String> settings = new LinkedHashMap<>();
    DEMO_SETTINGS.forEach((key, value) -> {
      if (!deployment.config().originals().containsKey(key)) {
        settings.put(key, value);
      }
    });
    ReplayOptions replay = ReplayOptions.unpaced(5, Duration.ofSeconds(30), Duration.ZERO, 0, seed);

    ReplayReport report;
    try (Admin admin = deployment.connectedAdmin()) {
      report = new ReplayReport(new ReplayRun(deployment.config(), deployment.bootstrapServers(),
          deployment.registryUrl(), admin, deployment.clientTimeout(), replay, 100, home, out)
          .run("", logs, settings));
    }
    ReplayTable.print(report, out);
    Path dir = home.resolve(outDir);
    Files.createDirectories(dir);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("replay.json").toFile(), report);
    ReplayChart.write(report, dir.resolve("replay.png"));
    out.printf("%nreport: %s%nchart:  %s%n", dir.resolve("replay.json"), dir.resolve("replay.png"));
    if (!deployment.external()) {
      out.println("the local stack keeps running: './gatestream stack down' stops it");
    }
    out.flush();
    return 0;
  }

  private ReplayRun.Log read(Path file, String name) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserError("the demo's data is missing: " + file + " (run the demo from a clone of the project)");
    }
    return ReplayCommand.readLog(file, name, seed, null, OnRepeat.SKIP);
  }
}
