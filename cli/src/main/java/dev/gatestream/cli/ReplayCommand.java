package dev.gatestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.cli.replay.FrontierChart;
import dev.gatestream.cli.replay.ReplayChart;
import dev.gatestream.cli.replay.ReplayOptions;
import dev.gatestream.cli.replay.ReplayReport;
import dev.gatestream.cli.replay.ReplayRun;
import dev.gatestream.cli.replay.ReplayTable;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.RoutingLogFormatException;
import dev.gatestream.experts.replay.WideRoutingLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream replay LOG...}: logged traffic through the live pipeline, with learning. */
@Command(name = "replay", description = {
    "Replay wide routing logs (CSV) through a live pipeline of its own (router, replay experts, fusion and"
        + " the adaptation job, on fresh topics of the configured cluster): requests from the logged queries,"
        + " feedback from the logged outcomes of the chosen experts. Several logs run in sequence, learning"
        + " carried across. Reports quality and cost per segment and per bucket against every single expert,"
        + " uniform random routing and the oracle."})
final class ReplayCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "LOG", description = "Wide routing logs, replayed in this order.")
  List<Path> logs;

  @ArgGroup(exclusive = true)
  Pace pace = new Pace();

  static final class Pace {
    @Option(names = "--rate", description = "Requests per second.")
    int rate;

    @Option(names = "--as-fast-as-possible", description = "As fast as the window allows (the default).")
    boolean asFastAsPossible;
  }

  @Option(names = "--window", defaultValue = "50", description = "Most requests in flight (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(names = "--feedback-delay-ms", defaultValue = "0", description = "Delay of the feedback after the result.")
  long feedbackDelayMs;

  @Option(names = "--feedback-loss", defaultValue = "0", description = "Share of requests that get no feedback.")
  double feedbackLoss;

  @Option(names = "--shuffle", paramLabel = "SEED", description = "Shuffle each log's rows with this seed"
      + " (logs sorted by task otherwise arrive task by task).")
  Long shuffleSeed;

  @Option(names = "--limit", description = "Replay at most this many rows of each log.")
  Integer limit;

  @Option(names = "--bucket", defaultValue = "1000", description = "Requests per progress bucket (default: ${DEFAULT-VALUE}).")
  int bucket;

  @Option(names = "--price", paramLabel = "EXPERT=USD", description = "Price per call of an expert (setting"
      + " experts.prices); the log's per-query cost columns take precedence. Repeatable.")
  Map<String, Double> prices = new LinkedHashMap<>();

  @Option(names = "--sweep", paramLabel = "SETTING=V1,V2,...", description = "One replay per value of this"
      + " setting (e.g. router.gate.lambda=0,0.01,0.1 with the success-predictor gate), each learning from"
      + " scratch on its own topics; reports the cost-quality frontier they trace.")
  String sweep;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the report: quality per bucket"
      + " against the baselines and each expert's share of the traffic; with --sweep, the cost-quality frontier.")
  Path chart;

  @Override
  public Integer call() throws IOException {
    Deployment deployment = new Deployment(options.load());
    PrintWriter out = spec.commandLine().getOut();
    List<ReplayRun.Log> replayed = new ArrayList<>();
    for (Path log : logs) {
      replayed.add(read(log));
    }
    Map<String, String> settings = new LinkedHashMap<>();
    if (!prices.isEmpty()) {
      settings.put(GatestreamConfig.EXPERTS_PRICES, String.join(",", prices.entrySet().stream()
          .map(price -> price.getKey() + "=" + price.getValue()).toList()));
    }
    Sweep points = sweep == null ? null : Sweep.parse(sweep);
    ReplayOptions replay = new ReplayOptions(pace.rate, window, Duration.ofSeconds(30),
        Duration.ofMillis(feedbackDelayMs), feedbackLoss, shuffleSeed == null ? 1 : shuffleSeed);

    ReplayReport report;
    try (Admin admin = deployment.connectedAdmin()) {
      ReplayRun run = new ReplayRun(deployment.config(), deployment.bootstrapServers(), deployment.registryUrl(),
          admin, deployment.clientTimeout(), replay, bucket, GlobalOptions.home(), out);
      if (points == null) {
        report = new ReplayReport(run.run("", replayed, settings));
      } else {
        List<ReplayReport.SweepPoint> sweepPoints = new ArrayList<>();
        for (String value : points.values()) {
          Map<String, String> pointSettings = new LinkedHashMap<>(settings);
          pointSettings.put(points.setting(), value);
          sweepPoints.add(new ReplayReport.SweepPoint(points.setting(), value,
              run.run("[" + points.setting() + "=" + value + "] ", replayed, pointSettings)));
        }
        report = new ReplayReport(sweepPoints.get(sweepPoints.size() - 1).segments(), sweepPoints);
      }
    }
    ReplayTable.print(report, out);
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
      out.println("report written to " + json);
    }
    if (chart != null) {
      if (report.sweep().isEmpty()) {
        ReplayChart.write(report, chart);
      } else {
        FrontierChart.write(report, chart);
      }
      out.println("chart written to " + chart);
    }
    return 0;
  }

  /** The swept setting and its values. */
  record Sweep(String setting, List<String> values) {

    static Sweep parse(String text) {
      int split = text.indexOf('=');
      List<String> values = split < 0 ? List.of()
          : Arrays.stream(text.substring(split + 1).split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
      if (split < 1 || values.isEmpty()) {
        throw new UserError("--sweep '" + text + "' is not SETTING=V1,V2,... (e.g. router.gate.lambda=0,0.01,0.1)");
      }
      if (!GatestreamConfig.DEFINITION.names().contains(text.substring(0, split))) {
        throw new UserError("--sweep: unknown setting '" + text.substring(0, split) + "'");
      }
      return new Sweep(text.substring(0, split), values);
    }
  }

  private ReplayRun.Log read(Path log) throws IOException {
    if (!Files.isRegularFile(log)) {
      throw new UserError("no such log: " + log);
    }
    try (WideRoutingLog routingLog = WideRoutingLog.open(log)) {
      List<WideRoutingLog.Row> rows = new ArrayList<>(routingLog.rows().toList());
      if (shuffleSeed != null) {
        Collections.shuffle(rows, new Random(shuffleSeed));
      }
      return new ReplayRun.Log(log.getFileName().toString(), log, routingLog.experts(),
          limit == null ? rows : rows.subList(0, Math.min(limit, rows.size())));
    } catch (RoutingLogFormatException e) {
      throw new UserError(e.getMessage());
    }
  }
}
