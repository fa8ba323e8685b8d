package dev.gatestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.cli.pipeline.ExpertCatalog;
import dev.gatestream.cli.pipeline.Pipeline;
import dev.gatestream.cli.replay.ReplayChart;
import dev.gatestream.cli.replay.ReplayDriver;
import dev.gatestream.cli.replay.ReplayOptions;
import dev.gatestream.cli.replay.ReplayReport;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.RoutingLogFormatException;
import dev.gatestream.experts.replay.WideRoutingLog;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  @Option(names = "--keep-topics", description = "Keep the run's topics (deleted at the end otherwise), e.g. to"
      + " evaluate other policies on its decisions and feedback with gatestream evaluate.")
  boolean keepTopics;

  @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw the report: quality per bucket"
      + " against the baselines, and each expert's share of the traffic.")
  Path chart;

  @Override
  public Integer call() throws IOException {
    Deployment deployment = new Deployment(options.load());
    PrintWriter out = spec.commandLine().getOut();
    List<List<WideRoutingLog.Row>> segments = new ArrayList<>();
    List<String> experts = new ArrayList<>();
    for (Path log : logs) {
      segments.add(read(log, experts));
    }
    String run = Long.toString(System.currentTimeMillis(), 36);
    Path workDir = Files.createTempDirectory("gatestream-replay");
    GatestreamConfig config = replayConfig(deployment.config(), run, experts, workDir);
    Topics topics = Topics.from(config);
    List<TopicSpec<?, ?>> catalogue = topics.all(experts);
    String bootstrap = deployment.bootstrapServers();
    String registryUrl = deployment.registryUrl();
    ReplayOptions replay = new ReplayOptions(pace.rate, window, Duration.ofSeconds(30),
        Duration.ofMillis(feedbackDelayMs), feedbackLoss, shuffleSeed == null ? 1 : shuffleSeed);

    List<ReplayReport.Segment> results = new ArrayList<>();
    try (Admin admin = deployment.connectedAdmin()) {
      new TopicApplier(admin, deployment.clientTimeout()).apply(catalogue);
      out.printf("replaying %d logs, %d experts, on topics %s*%n", logs.size(), experts.size(),
          config.getString(GatestreamConfig.TOPIC_PREFIX));
      out.flush();
      try (Pipeline pipeline = Pipeline.startAll(config, bootstrap, registryUrl,
              ExpertCatalog.load(config, GlobalOptions.home()), workDir);
           RegistrySerdes serdes = new RegistrySerdes(registryUrl, true);
           ReplayDriver driver = new ReplayDriver(topics, serdes, bootstrap, replay, bucket,
               config.getString(GatestreamConfig.TOPIC_PREFIX) + "replay")) {
        for (int i = 0; i < logs.size(); i++) {
          String name = logs.get(i).getFileName().toString();
          long start = System.nanoTime();
          results.add(driver.replay(name, segments.get(i), experts, completed -> {
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("%s: %6d requests, %5.0f/s, quality %.3f, cost %.5f, weights v%d%n", name,
                completed.fromRequest() + completed.requests(),
                (completed.fromRequest() + completed.requests()) / seconds, completed.quality(), completed.cost(),
                completed.policyVersion());
            out.flush();
          }));
        }
      } finally {
        if (keepTopics) {
          out.printf("kept the topics %s* (evaluate with --set %s=%s)%n",
              config.getString(GatestreamConfig.TOPIC_PREFIX), GatestreamConfig.TOPIC_PREFIX,
              config.getString(GatestreamConfig.TOPIC_PREFIX));
        } else {
          admin.deleteTopics(catalogue.stream().map(TopicSpec::name).toList());
        }
      }
    }
    ReplayReport report = new ReplayReport(results);
    print(report, out);
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
      out.println("report written to " + json);
    }
    if (chart != null) {
      ReplayChart.write(report, chart);
      out.println("chart written to " + chart);
    }
    return 0;
  }

  private List<WideRoutingLog.Row> read(Path log, List<String> experts) throws IOException {
    if (!Files.isRegularFile(log)) {
      throw new UserError("no such log: " + log);
    }
    try (WideRoutingLog routingLog = WideRoutingLog.open(log)) {
      routingLog.experts().stream().filter(expert -> !experts.contains(expert)).forEach(experts::add);
      List<WideRoutingLog.Row> rows = new ArrayList<>(routingLog.rows().toList());
      if (shuffleSeed != null) {
        Collections.shuffle(rows, new Random(shuffleSeed));
      }
      return limit == null ? rows : rows.subList(0, Math.min(limit, rows.size()));
    } catch (RoutingLogFormatException e) {
      throw new UserError(e.getMessage());
    }
  }

  private GatestreamConfig replayConfig(GatestreamConfig base, String run, List<String> experts, Path workDir) {
    Map<String, String> values = new HashMap<>();
    base.originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.put(GatestreamConfig.TOPIC_PREFIX, "replay-" + run + "-");
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, String.join(",",
        logs.stream().map(log -> log.toAbsolutePath().toString()).toList()));
    values.put(GatestreamConfig.STREAMS_STATE_DIR, workDir.resolve("state").toString());
    values.put(GatestreamConfig.ADAPTATION_CHECKPOINT_DIR, workDir.resolve("checkpoints").toString());
    values.putIfAbsent(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS, "1000");
    values.putIfAbsent(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS, "1000");
    return new ConfigLoader(Map.of()).load(null, values);
  }

  static void print(ReplayReport report, PrintWriter out) {
    for (ReplayReport.Segment segment : report.segments()) {
      double bestSingle = Collections.max(segment.singleExperts().values());
      out.printf("%n== %s: %d requests%n", segment.name(), segment.requests());
      out.printf("%-52s %8s %10s%n", "policy", "quality", "share");
      out.printf("%-52s %8.3f %10s   (cost %.5f per request)%n", "gatestream (routed, learning online)",
          segment.quality(), "", segment.cost());
      Map<String, Double> ordered = new LinkedHashMap<>(segment.singleExperts());
      ordered.forEach((expert, quality) -> out.printf("%-52s %8.3f %9.1f%%%n", "always " + expert, quality,
          100 * segment.share().getOrDefault(expert, 0.0)));
      out.printf("%-52s %8.3f%n", "uniform random", segment.uniformRandom());
      out.printf("%-52s %8.3f%n", "oracle (best expert per request)", segment.oracle());
      out.printf("routed - best single expert: %+.3f; share of the oracle's gain over uniform captured: %.0f%%%n",
          segment.quality() - bestSingle,
          100 * (segment.quality() - segment.uniformRandom()) / (segment.oracle() - segment.uniformRandom()));
      out.println("per bucket: " + String.join(" ", segment.buckets().stream()
          .map(b -> String.format("%.3f", b.quality())).toList()));
    }
    out.flush();
  }
}
