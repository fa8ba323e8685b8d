package dev.gatestream.cli;

import dev.gatestream.app.lifecycle.LifecycleReport;
import dev.gatestream.app.lifecycle.PolicyLifecycle;
import dev.gatestream.contracts.PromotionEvidence;
import dev.gatestream.contracts.RoutingWeights;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream policy report|promote|rollback|watch}: the production policy, its candidate and
 * shadow experts, judged on the production log; promotions and rollbacks as new versions on the
 * routing-weights topic.
 */
@Command(
    name = "policy",
    description =
        "Judge the candidate policy (router.candidate.*) and shadow experts against production on"
            + " the production log, and promote or roll back.",
    subcommands = {
      PolicyCommand.Report.class,
      PolicyCommand.Promote.class,
      PolicyCommand.Rollback.class,
      PolicyCommand.Watch.class
    })
final class PolicyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "report",
      description =
          "The candidate against production (doubly-robust, paired intervals), the promotion rule's"
              + " verdict, the canary's live quality, and each shadow expert against each production"
              + " expert on the same requests.")
  static final class Report implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (PolicyLifecycle lifecycle = new PolicyLifecycle(options.load(), GlobalOptions.home())) {
        PrintWriter out = spec.commandLine().getOut();
        lifecycle.report().lines().forEach(out::println);
        out.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "promote",
      description =
          "Publish policy NAME's weights (and, for the configured candidate, its gate) as production's"
              + " next version, with the report's evidence; routers switch at once.")
  static final class Promote implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "The policy, or shadow expert, to promote.")
    String name;

    @Override
    public Integer call() {
      try (PolicyLifecycle lifecycle = new PolicyLifecycle(options.load(), GlobalOptions.home())) {
        print(spec.commandLine().getOut(), lifecycle.promote(name));
      }
      return 0;
    }
  }

  @Command(
      name = "rollback",
      description =
          "Publish the version production ran before its latest promotion or rollback, anew.")
  static final class Rollback implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (PolicyLifecycle lifecycle = new PolicyLifecycle(options.load(), GlobalOptions.home())) {
        print(spec.commandLine().getOut(), lifecycle.rollback());
      }
      return 0;
    }
  }

  @Command(
      name = "watch",
      description =
          "Follow the production log; promote the candidate, and each shadow expert, when the rule"
              + " clears it and roll the candidate's canary back when the guardrail says so (until"
              + " the candidate is promoted and its canary stopped, or Ctrl-C).")
  static final class Watch implements Callable<Integer> {
    @Mixin GlobalOptions options;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (PolicyLifecycle lifecycle = new PolicyLifecycle(options.load(), GlobalOptions.home())) {
        lifecycle.watch(
            new PolicyLifecycle.WatchListener() {
              @Override
              public void judged(LifecycleReport report) {
                if (report.promotion() != null) {
                  out.println(
                      String.format(
                          Locale.ROOT,
                          "%,d decisions: promotion %s",
                          report.decisions(),
                          report.promotion().reason()));
                }
                for (LifecycleReport.ShadowVerdict shadow : report.shadowVerdicts()) {
                  out.println(
                      String.format(
                          Locale.ROOT,
                          "%,d decisions: shadow %s %s",
                          report.decisions(),
                          shadow.shadow(),
                          shadow.reason()));
                }
                out.flush();
              }

              @Override
              public void promoted(LifecycleReport report, RoutingWeights published) {
                print(out, published);
              }

              @Override
              public void shadowPromoted(
                  LifecycleReport.ShadowVerdict shadow, RoutingWeights published) {
                print(out, published);
              }

              @Override
              public void canaryRolledBack(LifecycleReport report, RoutingWeights published) {
                print(out, published);
              }
            },
            () -> Thread.currentThread().isInterrupted());
      }
      return 0;
    }
  }

  static void print(PrintWriter out, RoutingWeights published) {
    PromotionEvidence evidence = published.getEvidence();
    out.println(
        String.format(
            Locale.ROOT,
            "published %s v%d%s%s",
            published.getPolicy(),
            published.getVersion(),
            published.getPromotedFrom() == null ? "" : " from " + published.getPromotedFrom(),
            published.getCanaryShare() == null
                ? ""
                : ", canary share " + published.getCanaryShare()));
    if (evidence != null) {
      out.println("  decided by " + evidence.getDecidedBy() + ": " + evidence.getReason());
    }
    out.flush();
  }
}
