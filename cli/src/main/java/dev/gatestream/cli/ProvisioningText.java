package dev.gatestream.cli;

import dev.gatestream.app.Provisioning;
import dev.gatestream.stack.ComponentStatus;
import dev.gatestream.stack.StackStatus;
import dev.gatestream.topics.TopicApplier;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * What provisioning did, as terminal lines: the stack's status, and the topics and schemas applied.
 */
final class ProvisioningText {

  private ProvisioningText() {}

  /**
   * @param started empty when the deployment is an existing cluster
   */
  static void stackStarted(Optional<Provisioning.StackStart> started, PrintWriter out) {
    if (started.isEmpty()) {
      out.println("bootstrap is set: using the existing cluster, nothing to start");
    } else {
      status(started.get().status(), out);
      out.printf("stack up in %.1fs%n", started.get().took().toMillis() / 1000.0);
    }
    out.flush();
  }

  static void status(StackStatus status, PrintWriter out) {
    // as wide as the longest name (flink-jobmanager), at least as the broker's and registry's
    int nameWidth =
        Math.max(9, status.components().stream().mapToInt(c -> c.name().length()).max().orElse(0));
    for (ComponentStatus component : status.components()) {
      String memory = component.rssBytes() < 0 ? "-" : (component.rssBytes() >> 20) + " MB";
      out.printf(
          "%-" + nameWidth + "s %-8s pid %-7s %-28s rss %-7s %s%n",
          component.name(),
          component.running() ? "running" : "stopped",
          component.pid() < 0 ? "-" : String.valueOf(component.pid()),
          component.endpoint(),
          memory,
          component.detail() == null ? "" : component.detail());
    }
    out.flush();
  }

  /**
   * @return the exit code: 0 when everything matches the catalogue, 1 when some topic drifted
   */
  static int topicsApplied(Provisioning.TopicsApplied applied, PrintWriter out, PrintWriter err) {
    for (TopicApplier.Report report : applied.topics()) {
      out.printf("%-10s %s%n", report.outcome().name().toLowerCase(Locale.ROOT), report.topic());
      report.drift().forEach(line -> out.println("           drift: " + line));
    }
    applied
        .schemas()
        .forEach(
            r ->
                out.printf(
                    "schema     %s (id %d, %s)%n", r.subject(), r.id(), applied.compatibility()));
    out.println(
        TopicApplier.summary(applied.topics())
            + "; "
            + applied.schemas().size()
            + " schemas registered");
    out.flush();
    if (applied.drifted()) {
      err.println(
          "gatestream: some topics differ from the catalogue (see drift above);"
              + " fix them or the catalogue settings, nothing was changed");
      err.flush();
      return 1;
    }
    return 0;
  }
}
