package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.app.score.RowFormat;
import dev.gatestream.app.score.ScoreReport;
import dev.gatestream.app.score.ScoreRun;
import dev.gatestream.cli.score.ScoreProgress;
import dev.gatestream.clients.ClientIds;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream score INPUT OUTPUT}: a file of requests through the pipeline, results to a
 * file.
 */
@Command(
    name = "score",
    description = {
      "Score a CSV or JSON Lines file through the deployed pipeline, as fast as it takes it: each row becomes a"
          + " request (id, text or prompt, task, features, cost_budget, deadline_ms; other fields become"
          + " attributes), each output row is the input row plus request_id, fused_output, experts, completeness,"
          + " cost, latency_ms and policy_version, in completion order. Rows that cannot be scored go to the"
          + " rejects file with their line number and the reason. An interrupted run resumes where it stopped"
          + " when run again with the same INPUT and OUTPUT: no row is sent or written twice.",
      "Exit code 0 when every row is done, 1 when interrupted, 2 on errors."
    })
final class ScoreCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "INPUT",
      description = "Rows to score: .csv, .jsonl or .ndjson.")
  Path input;

  @Parameters(
      index = "1",
      paramLabel = "OUTPUT",
      description = "Where scored rows go, in the input's format.")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "csv|jsonl",
      description = "Format of INPUT (default: from its extension).")
  String format;

  @Option(
      names = "--rejects",
      paramLabel = "FILE",
      description = "Where refused rows go (default: OUTPUT.rejects).")
  Path rejects;

  @Option(
      names = "--window",
      defaultValue = "0",
      description =
          "Most requests in flight; 0 = sized from the pipeline's throughput and latency, so the run"
              + " goes as fast as the pipeline (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--deadline-ms",
      defaultValue = "30000",
      description =
          "Deadline of each request from sending, unless its row has deadline_ms (default: ${DEFAULT-VALUE}).")
  long deadlineMs;

  @Option(
      names = "--with-pipeline",
      description =
          "Run router, experts and fusion in this process (as 'up' does,"
              + " without the adaptation job) instead of using a running deployment.")
  boolean withPipeline;

  @Option(
      names = "--restart",
      description = "Discard an earlier partial run of OUTPUT and score from the start.")
  boolean restart;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Deployment deployment = options.deployment();
    GatestreamConfig config = deployment.config();
    PrintWriter out = spec.commandLine().getOut();
    if (window < 0 || deadlineMs < 1) {
      throw new UserError(
          "--window must be 0 (sized from the pipeline) or more, --deadline-ms positive");
    }
    ScoreRun.Settings settings;
    ScoreRun run;
    String discardedReplyTopic = null;
    Topics topics = Topics.from(config);
    try {
      settings =
          new ScoreRun.Settings(
              input,
              output,
              rejects != null ? rejects : ScoreRun.rejectsOf(output),
              RowFormat.of(input, format),
              window,
              deadlineMs,
              config.getLong(GatestreamConfig.FUSION_GRACE_MS));
      if (restart) {
        discardedReplyTopic = ScoreRun.partialRunReplyTopic(output);
        ScoreRun.discard(settings);
      }
      run = ScoreRun.open(settings, topics, Clock.systemUTC());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new UserError(e.getMessage());
    }
    if (run.complete()) {
      out.printf(
          "%s is complete (%d rows of %s done): nothing to do; --restart scores it again%n",
          output, run.doneBefore(), input);
      out.flush();
      return 0;
    }
    String bootstrap = deployment.bootstrapServers();
    String registryUrl = deployment.registryUrl();
    List<ExpertSpec> experts =
        withPipeline ? ExpertCatalog.load(config, GlobalOptions.home()) : List.of();
    try (Admin admin = deployment.connectedAdmin()) {
      if (discardedReplyTopic != null) {
        admin.deleteTopics(List.of(discardedReplyTopic));
      }
      if (withPipeline) {
        TopicApplier applier = new TopicApplier(admin, deployment.clientTimeout());
        out.println(
            "topics: "
                + TopicApplier.summary(
                    applier.apply(topics.all(experts.stream().map(ExpertSpec::name).toList()))));
      } else {
        requireDeployment(admin, topics, config, bootstrap);
      }
    }

    out.printf(
        "%s %s: %d rows%s, window %s, results on %s%n",
        run.resumed() ? "resuming" : "scoring",
        input,
        run.totalRows(),
        run.resumed()
            ? " ("
                + run.doneBefore()
                + " done before, "
                + run.awaitedFromBefore()
                + " sent before and awaited)"
            : "",
        window == 0 ? "sized from the pipeline" : String.valueOf(window),
        run.replyTopic());
    out.flush();
    ScoreReport report;
    CountDownLatch finished = new CountDownLatch(1);
    Thread onCtrlC =
        new Thread(
            () -> {
              run.stop();
              try {
                finished.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "gatestream-score-shutdown");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try (Pipeline pipeline =
            withPipeline
                ? Pipeline.start(
                    config,
                    bootstrap,
                    registryUrl,
                    experts,
                    EnumSet.of(Stage.ROUTER, Stage.EXPERTS, Stage.FUSION),
                    GlobalOptions.home())
                : null;
        RegistrySerdes serdes =
            deployment
                .registry()
                .serdes(config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER))) {
      try (ScoreProgress progress =
          new ScoreProgress(run.totalRows(), run.doneBefore(), spec.commandLine().getErr())) {
        report = run.execute(deployment.clients(), serdes, deployment.clientTimeout(), progress);
      }
      print(report, settings, out);
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException e) {
        // the JVM is shutting down: the hook is what stopped the run
      }
    }
    return report.complete() ? 0 : 1;
  }

  private static void print(ScoreReport report, ScoreRun.Settings settings, PrintWriter out) {
    out.printf(
        "%s: %,d scored, %,d rejected%s; %,d of %,d rows done%n",
        report.complete() ? "done" : "interrupted",
        report.scored(),
        report.rejected(),
        report.rejected() > 0 ? " (see " + settings.rejects() + ")" : "",
        report.scored() + report.rejected(),
        report.total());
    out.printf(
        "this run: %,d rows in %.1f s, %,.0f rows/s; completeness %s%n",
        report.scoredNow() + report.rejectedNow(),
        report.seconds(),
        report.rowsPerSecond(),
        report.completeness());
    if (!report.complete()) {
      out.println("run the same command again to resume");
    }
    out.flush();
  }

  private static boolean hasMembers(Admin admin, String group)
      throws ExecutionException, TimeoutException, InterruptedException {
    try {
      ConsumerGroupDescription description =
          admin
              .describeConsumerGroups(List.of(group))
              .describedGroups()
              .get(group)
              .get(30, TimeUnit.SECONDS);
      return !description.members().isEmpty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return false; // never started on these topics
      }
      throw e;
    }
  }

  /** The catalogue's topics exist and a router and a fusion stage are running on them. */
  private static void requireDeployment(
      Admin admin, Topics topics, GatestreamConfig config, String bootstrap) {
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<String> missing = new ArrayList<>();
      for (TopicSpec<?, ?> topic : topics.core()) {
        if (!existing.contains(topic.name())) {
          missing.add(topic.name());
        }
      }
      if (!missing.isEmpty()) {
        throw new UserError(
            "no pipeline on "
                + bootstrap
                + ": topics "
                + String.join(", ", missing)
                + " do not exist (start it with './gatestream up', or pass --with-pipeline)");
      }
      List<String> idle = new ArrayList<>();
      for (String group : List.of(ClientIds.of(config).router(), ClientIds.of(config).fusion())) {
        if (!hasMembers(admin, group)) {
          idle.add(group);
        }
      }
      if (!idle.isEmpty()) {
        throw new UserError(
            "no pipeline is running on "
                + bootstrap
                + ": no member in consumer group "
                + String.join(", ", idle)
                + " (start it with './gatestream up', or pass --with-pipeline)");
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new UserError("cannot check the pipeline on " + bootstrap + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    }
  }
}
