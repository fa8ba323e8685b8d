package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.flink.AdaptationSubmission;
import dev.gatestream.app.flink.FlinkRestClient;
import dev.gatestream.stack.FlinkSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream adaptation submit|stop}: the adaptation job on a Flink cluster, through its
 * REST API.
 */
@Command(
    name = "adaptation",
    description =
        "Run the adaptation job on a Flink cluster (the local one of 'stack up --flink', or any"
            + " other) through Flink's REST API.",
    subcommands = {AdaptationCommand.Submit.class, AdaptationCommand.Stop.class})
final class AdaptationCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The REST API and timeout options of both subcommands. */
  static final class ClusterOptions {
    @Option(
        names = "--flink-rest",
        paramLabel = "URL",
        description =
            "The Flink cluster's REST API (default: the local cluster's, ${DEFAULT-VALUE}).",
        defaultValue = "http://127.0.0.1:" + FlinkSettings.DEFAULT_REST_PORT)
    String restUrl;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        description = "How long to wait for the job (default: ${DEFAULT-VALUE}).",
        defaultValue = "180")
    long timeoutSeconds;

    Duration timeout() {
      return Duration.ofSeconds(timeoutSeconds);
    }

    AdaptationSubmission submission() {
      return new AdaptationSubmission(new FlinkRestClient(restUrl, Duration.ofSeconds(60)));
    }
  }

  @Command(
      name = "submit",
      description = {
        "Upload the shaded adaptation job jar and run it with this deployment's settings; wait"
            + " until every task runs.",
        "Refused while the same deployment's job (same topic.prefix) runs on the cluster."
      })
  static final class Submit implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Mixin ClusterOptions cluster;
    @Spec CommandSpec spec;

    @Option(
        names = "--savepoint",
        paramLabel = "PATH",
        description =
            "Resume from this savepoint or retained checkpoint (what 'adaptation stop' printed).")
    String savepoint;

    @Option(
        names = "--jar",
        paramLabel = "FILE",
        description =
            "The job jar (default: adaptation/target/gatestream-adaptation-*-job.jar of this"
                + " project).")
    Path jar;

    @Override
    public Integer call() {
      Deployment deployment = options.deployment();
      Path jobJar = jar != null ? jar : AdaptationSubmission.jobJar(GlobalOptions.home());
      AdaptationSubmission.Submitted submitted =
          cluster
              .submission()
              .submit(
                  jobJar,
                  deployment.config(),
                  deployment.bootstrapServers(),
                  deployment.registryUrl(),
                  Optional.ofNullable(savepoint),
                  cluster.timeout());
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          "adaptation job %s runs on %s as %s%s (all tasks running %.1fs after the upload)%n",
          submitted.name(),
          cluster.restUrl,
          submitted.jobId(),
          savepoint == null ? "" : ", resumed from " + savepoint,
          submitted.took().toMillis() / 1000.0);
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "stop",
      description =
          "Stop this deployment's adaptation job with a savepoint and print where it is, for"
              + " 'adaptation submit --savepoint'.")
  static final class Stop implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Mixin ClusterOptions cluster;
    @Spec CommandSpec spec;

    @Option(
        names = "--savepoint-dir",
        paramLabel = "DIR",
        description =
            "Where the cluster writes the savepoint (default: the local cluster's savepoints"
                + " directory, .gatestream/flink/savepoints).")
    String savepointDir;

    @Override
    public Integer call() {
      Deployment deployment = options.deployment();
      String target =
          savepointDir != null
              ? savepointDir
              : FlinkSettings.of(deployment.localStack().settings())
                  .savepointDir()
                  .toUri()
                  .toString();
      String location = cluster.submission().stop(deployment.config(), target, cluster.timeout());
      PrintWriter out = spec.commandLine().getOut();
      out.println("adaptation job stopped; savepoint " + location);
      out.flush();
      return 0;
    }
  }
}
