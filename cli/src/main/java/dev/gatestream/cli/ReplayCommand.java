package dev.gatestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.evaluate.CandidateSpec;
import dev.gatestream.app.replay.ReplayOptions;
import dev.gatestream.app.replay.ReplayReport;
import dev.gatestream.app.replay.ReplayRun;
import dev.gatestream.app.replay.ReplaySettings;
import dev.gatestream.app.replay.ReplaySources;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.cli.replay.FrontierChart;
import dev.gatestream.cli.replay.ReplayChart;
import dev.gatestream.cli.replay.ReplayProgress;
import dev.gatestream.cli.replay.ReplayTable;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import dev.gatestream.policy.gates.GateSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream replay SOURCE...}: logged or recorded traffic through a live pipeline, with
 * learning.
 */
@Command(
    name = "replay",
    description = {
      "Replay traffic through a live pipeline of its own (router, experts, fusion and the adaptation job, on"
          + " fresh topics of the configured cluster), learning online. A SOURCE is a wide routing log (CSV): its"
          + " experts replay their logged outcomes and feedback comes from the outcomes of the chosen experts."
          + " Or a range of a deployment's requests topic, kafka:TOPIC[@FROM..TO] (offsets or ISO-8601 times):"
          + " the configured experts answer and the recorded feedback is replayed. Sources run in sequence,"
          + " learning carried across. Reports quality and cost per segment and per bucket against every single"
          + " expert, uniform random routing, the oracle and routers fitted offline on the log before (logs), or"
          + " the recorded deployment (topics); and whether a single expert is both better and cheaper."
    })
final class ReplayCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "SOURCE",
      description =
          "Wide routing logs (CSV files) or kafka:TOPIC[@FROM..TO] ranges, replayed in this order.")
  List<String> sources;

  @ArgGroup(exclusive = true)
  Pace pace = new Pace();

  static final class Pace {
    @Option(names = "--rate", description = "Requests per second.")
    int rate;

    @Option(
        names = "--as-fast-as-possible",
        description = "As fast as the window allows (the default).")
    boolean asFastAsPossible;

    @Option(
        names = "--original-timing",
        description =
            "Each recorded request at its original time after the"
                + " first, divided by --speedup (topic sources: logs carry no times).")
    boolean originalTiming;
  }

  @Option(
      names = "--speedup",
      defaultValue = "1",
      description =
          "With --original-timing: replay this many"
              + " times faster than recorded (default: ${DEFAULT-VALUE}).")
  double speedup;

  @Option(
      names = "--feedback",
      paramLabel = "kafka:TOPIC[@FROM..TO]",
      description =
          "Where the recorded feedback"
              + " of topic sources is (default: the deployment's feedback topic, from the requests' FROM time on).")
  String feedbackRange;

  @Option(
      names = "--window",
      defaultValue = "" + ReplayOptions.DEFAULT_WINDOW,
      description =
          "Most requests in flight; 0 = sized from the pipeline's throughput and latency, so the"
              + " replay goes as fast as the pipeline (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--max-learning-lag",
      paramLabel = "EXAMPLES",
      defaultValue = "" + ReplayOptions.DEFAULT_MAX_LEARNING_LAG,
      description =
          "Hold new"
              + " requests while the router's newest weights have learned this many fewer examples than the feedback"
              + " sent so far, so that the replay measures learning online rather than how far a learner falls behind"
              + " a replay that outruns it; 0 = never hold (default: ${DEFAULT-VALUE}). The report says how"
              + " many examples behind the weights were either way.")
  int maxLearningLag;

  @Option(
      names = "--feedback-delay-ms",
      defaultValue = "0",
      description = "Delay of the feedback after the result.")
  long feedbackDelayMs;

  @Option(
      names = "--feedback-loss",
      defaultValue = "0",
      description = "Share of requests that get no feedback.")
  double feedbackLoss;

  @Option(
      names = "--shuffle",
      paramLabel = "SEED",
      description =
          "Shuffle each log's rows with this seed"
              + " (logs sorted by task otherwise arrive task by task).")
  Long shuffleSeed;

  @Option(names = "--limit", description = "Replay at most this many rows of each log.")
  Integer limit;

  @Option(
      names = "--bucket",
      defaultValue = "" + ReplaySettings.DEFAULT_BUCKET,
      description = "Requests per progress bucket (default: ${DEFAULT-VALUE}).")
  int bucket;

  @Option(
      names = "--policy",
      paramLabel = "KIND[:KEY=VALUE,...]",
      description =
          "The routing policy to replay: a"
              + " gate kind and router settings without their router.gate. or router. prefix, e.g."
              + " success-predictor:lambda=3,exploration=epsilon (as gatestream evaluate takes it).")
  String policy;

  @Option(
      names = "--price",
      paramLabel = "EXPERT=USD",
      description =
          "Price per call of an expert (setting"
              + " experts.prices); the log's per-query cost columns take precedence. Repeatable.")
  Map<String, Double> prices = new LinkedHashMap<>();

  @Option(
      names = "--spend-target",
      paramLabel = "USD",
      description =
          "Mean spend per request the router holds"
              + " (setting router.spend.target); the report says how close each log came.")
  Double spendTarget;

  @Option(
      names = "--duplicates",
      paramLabel = "skip|fail",
      defaultValue = "skip",
      description =
          "A log row whose id"
              + " an earlier row has: skipped and counted (the default), or refused.")
  String duplicates;

  @Option(
      names = "--sweep",
      paramLabel = "SETTING=V1,V2,...",
      description =
          "One replay per value of this"
              + " setting (e.g. router.gate.lambda=0,0.01,0.1 with the success-predictor gate), each learning from"
              + " scratch on its own topics; reports the cost-quality frontier they trace.")
  String sweep;

  @Option(
      names = "--keep-topics",
      description =
          "Keep the run's topics (deleted at the end otherwise), e.g. to"
              + " evaluate other policies on its decisions and feedback with gatestream evaluate.")
  boolean keepTopics;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  @Option(
      names = "--chart",
      paramLabel = "FILE.png",
      description =
          "Also draw the report: quality per bucket"
              + " against the baselines and each expert's share of the traffic; with --sweep, the cost-quality frontier.")
  Path chart;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (pace.originalTiming
        && sources.stream().anyMatch(source -> !TopicRange.isTopicSpec(source))) {
      throw new UserError(
          "--original-timing needs recorded requests (kafka:TOPIC sources): a wide routing log"
              + " has no request times");
    }
    if (speedup <= 0) {
      throw new UserError("--speedup must be > 0, got " + speedup);
    }
    if (spendTarget != null && !(spendTarget >= 0)) {
      throw new UserError("--spend-target must be >= 0 (USD per request), got " + spendTarget);
    }
    OnRepeat onRepeat =
        switch (duplicates) {
          case "skip" -> OnRepeat.SKIP;
          case "fail" -> OnRepeat.FAIL;
          default ->
              throw new UserError("--duplicates must be skip or fail, got '" + duplicates + "'");
        };
    Map<String, String> overrides = new LinkedHashMap<>();
    if (!prices.isEmpty()) {
      overrides.put(
          GatestreamConfig.EXPERTS_PRICES,
          String.join(
              ",",
              prices.entrySet().stream()
                  .map(price -> price.getKey() + "=" + price.getValue())
                  .toList()));
    }
    if (spendTarget != null) {
      overrides.put(GatestreamConfig.ROUTER_SPEND_TARGET, spendTarget.toString());
    }
    if (policy != null) {
      overrides.putAll(gateSettings(policy));
    }
    ReplaySettings settings =
        new ReplaySettings(
            new ReplayOptions(
                pace.rate,
                pace.originalTiming,
                speedup,
                window,
                ReplayOptions.DEADLINE,
                Duration.ofMillis(feedbackDelayMs),
                feedbackLoss,
                shuffleSeed == null ? 1 : shuffleSeed,
                maxLearningLag),
            bucket,
            overrides,
            sweep == null ? null : ReplaySettings.Sweep.parse(sweep),
            keepTopics,
            WorkDirectory.systemTemp());

    Deployment deployment = options.deployment();
    List<ReplayRun.Source> replayed = new ArrayList<>();
    for (String source : sources) {
      if (TopicRange.isTopicSpec(source)) {
        ReplayRun.Recorded recorded = ReplaySources.recorded(deployment, source, feedbackRange);
        out.printf(
            "%s: %d requests recorded, %d with feedback%n",
            source, recorded.requests().size(), recorded.withFeedback());
        replayed.add(recorded);
      } else {
        Path log = Path.of(source);
        replayed.add(
            ReplaySources.log(log, log.getFileName().toString(), shuffleSeed, limit, onRepeat));
      }
    }
    String gate =
        overrides.getOrDefault(
            GatestreamConfig.ROUTER_GATE,
            deployment.config().getString(GatestreamConfig.ROUTER_GATE));
    if (GateSpec.Kind.fromId(gate) == GateSpec.Kind.CASCADE) {
      for (ReplayRun.Source source : replayed) {
        if (source instanceof ReplayRun.Log log && !log.expertsWithoutConfidence().isEmpty()) {
          out.printf(
              "%s has no confidence column for %s: the cascade escalates past their answers"
                  + " (reason no-confidence)%n",
              log.name(), String.join(", ", log.expertsWithoutConfidence()));
        }
      }
    }
    ReplayReport report;
    try (Admin admin = deployment.connectedAdmin()) {
      report =
          new ReplayRun(deployment, admin, settings, GlobalOptions.home(), new ReplayProgress(out))
              .run(replayed);
    }
    ReplayTable.print(report, out);
    if (json != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), report);
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

  private static Map<String, String> gateSettings(String policy) {
    CandidateSpec spec;
    try {
      spec = CandidateSpec.parse(policy);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (!(spec instanceof CandidateSpec.Gate gate)) {
      throw new UserError(
          "--policy '"
              + policy
              + "': replay runs a router, so the policy is a gate kind"
              + " (bandit, knn, task-rules, softmax-top-k, top-p, sigmoid, success-predictor) with optional"
              + " :KEY=VALUE,...");
    }
    return gate.settings();
  }
}
