package dev.gatestream.cli;

import dev.gatestream.app.Deployment;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.serdes.SchemaApplier;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicApplier.Outcome;
import dev.gatestream.topics.TopicApplier.Report;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream topics apply}: make the cluster and registry hold the catalogue. */
@Command(name = "topics", description = "Manage the topic catalogue.", subcommands = TopicsCommand.Apply.class)
final class TopicsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "apply", description = {
      "Create missing topics, check existing ones against the catalogue and report drift;"
          + " register every value schema under BACKWARD (or the configured) compatibility.",
      "Exit code 0 when everything matches, 1 when some topic drifted, 2 on errors."})
  static final class Apply implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Option(names = "--experts", split = ",", paramLabel = "NAME",
        description = "Expert names to create task topics for (default: the 'experts' setting).")
    List<String> experts;

    @Override
    public Integer call() {
      Deployment deployment = options.deployment();
      return apply(deployment, experts, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** @param experts expert names, or null for the configured ones */
    static int apply(Deployment deployment, List<String> experts, PrintWriter out, PrintWriter err) {
      GatestreamConfig config = deployment.config();
      List<String> expertNames = experts != null ? experts : config.getList(GatestreamConfig.EXPERTS);
      List<TopicSpec<?, ?>> catalogue = Topics.from(config).all(expertNames);
      SchemaRegistryAdmin registry = deployment.connectedRegistry();

      List<Report> reports;
      try (Admin admin = deployment.connectedAdmin()) {
        reports = new TopicApplier(admin, deployment.clientTimeout()).apply(catalogue);
      }
      for (Report report : reports) {
        out.printf("%-10s %s%n", report.outcome().name().toLowerCase(java.util.Locale.ROOT), report.topic());
        report.drift().forEach(line -> out.println("           drift: " + line));
      }
      String compatibility = config.getString(GatestreamConfig.REGISTRY_COMPATIBILITY);
      List<SchemaApplier.Registration> registrations;
      try (RegistrySerdes serdes = new RegistrySerdes(deployment.registryUrl(), true)) {
        registrations = new SchemaApplier(registry, serdes, compatibility).apply(catalogue);
      }
      registrations.forEach(r -> out.printf("schema     %s (id %d, %s)%n", r.subject(), r.id(), compatibility));
      out.println(TopicApplier.summary(reports) + "; " + registrations.size() + " schemas registered");
      out.flush();
      boolean drifted = reports.stream().anyMatch(r -> r.outcome() == Outcome.DRIFTED);
      if (drifted) {
        err.println("gatestream: some topics differ from the catalogue (see drift above);"
            + " fix them or the catalogue settings, nothing was changed");
        err.flush();
        return 1;
      }
      return 0;
    }
  }
}
