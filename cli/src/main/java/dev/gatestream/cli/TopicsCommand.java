package dev.gatestream.cli;

import dev.gatestream.app.Provisioning;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.k8s.ClusterManifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream topics apply}: make the cluster and registry hold the catalogue; {@code
 * gatestream topics render}: write it, and what follows from it, as Kubernetes resources.
 */
@Command(
    name = "topics",
    description = "Manage the topic catalogue.",
    subcommands = {TopicsCommand.Apply.class, TopicsCommand.Render.class})
final class TopicsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "apply",
      description = {
        "Create missing topics, check existing ones against the catalogue and report drift;"
            + " register every value schema under BACKWARD (or the configured) compatibility.",
        "Exit code 0 when everything matches, 1 when some topic drifted, 2 on errors."
      })
  static final class Apply implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = "--experts",
        split = ",",
        paramLabel = "NAME",
        description = "Expert names to create task topics for (default: the 'experts' setting).")
    List<String> experts;

    @Override
    public Integer call() {
      Provisioning provisioning = new Provisioning(options.deployment(), GlobalOptions.home());
      return ProvisioningText.topicsApplied(
          provisioning.applyTopics(experts),
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
  }

  /** The only format so far: Strimzi's resources, with the workloads that follow from them. */
  enum Format {
    strimzi
  }

  @Command(
      name = "render",
      description = {
        "Write the catalogue as Kubernetes resources: a Strimzi KafkaTopic per topic (each"
            + " expert's task topic included), a KafkaUser per service with the access matrix's"
            + " ACLs, and per expert a Deployment, a PodDisruptionBudget and a KEDA ScaledObject on"
            + " its consumer group's lag, at most one replica per partition of its task topic.",
        "Prints them to standard output, or writes topics.yaml, users.yaml, experts.yaml and"
            + " scaling.yaml into --output-dir (deploy/k8s/overlays/*/generated)."
      })
  static final class Render implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Option(
        names = "--format",
        required = true,
        paramLabel = "FORMAT",
        description = "Resource format: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(
        names = "--experts",
        split = ",",
        paramLabel = "NAME",
        description = "Expert names (default: the 'experts' setting).")
    List<String> experts;

    @Option(
        names = "--cluster",
        paramLabel = "NAME",
        description = "Name of the Strimzi Kafka resource (default: ${DEFAULT-VALUE}).")
    String cluster = ClusterManifests.DEFAULT_CLUSTER;

    @Option(
        names = "--lag-threshold",
        paramLabel = "TASKS",
        description =
            "Task-topic lag per expert replica above which KEDA adds one (default: ${DEFAULT-VALUE}).")
    long lagThreshold = ClusterManifests.DEFAULT_LAG_THRESHOLD;

    @Option(
        names = "--output-dir",
        paramLabel = "DIR",
        description = "Write the files here (relative to the project root) instead of printing.")
    Path outputDir;

    @Override
    public Integer call() throws IOException {
      GatestreamConfig config = options.load();
      List<String> names = experts != null ? experts : config.getList(GatestreamConfig.EXPERTS);
      ClusterManifests manifests = new ClusterManifests(config, names, cluster, lagThreshold);
      PrintWriter out = spec.commandLine().getOut();
      if (outputDir == null) {
        out.print(manifests.yaml());
        out.flush();
        return 0;
      }
      Path home = GlobalOptions.home();
      Path dir = home.resolve(outputDir).normalize();
      for (Path file : manifests.write(dir, regenerateCommand(home, dir))) {
        out.println("wrote " + underHome(home, file));
      }
      return 0;
    }

    /** This command again, as the files' headers tell a reader to run it. */
    private String regenerateCommand(Path home, Path dir) {
      String config =
          options.configFile == null
              ? null
              : underHome(home, options.configFile.toAbsolutePath().normalize());
      return ClusterManifests.renderCommand(
          config, experts, cluster, lagThreshold, underHome(home, dir));
    }

    /** A path relative to the project root when it is under it, else as it is. */
    private static String underHome(Path home, Path path) {
      return (path.startsWith(home) ? home.relativize(path) : path).toString();
    }
  }
}
