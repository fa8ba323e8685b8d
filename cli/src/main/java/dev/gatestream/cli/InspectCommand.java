package dev.gatestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.inspect.Event;
import dev.gatestream.app.inspect.InspectListener;
import dev.gatestream.app.inspect.InspectReport;
import dev.gatestream.app.inspect.Inspection;
import dev.gatestream.app.inspect.Since;
import dev.gatestream.app.inspect.TopicRead;
import dev.gatestream.app.inspect.TopicRole;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gatestream inspect REQUEST_ID}: the story of one request across the topics, in time order.
 */
@Command(
    name = "inspect",
    description = {
      "Find everything the topics hold about one request (the request,"
          + " the router's decision, the expert tasks and results, the fused result and its reply, feedback, dead"
          + " letters) and print it as one timeline, one line per record.",
      "Reads each topic once, only the partition the id hashes to where that is valid. Exit code 2 when the"
          + " id is found nowhere."
    })
final class InspectCommand implements Callable<Integer> {

  /** How much of a request's text a line shows. */
  private static final int TEXT_SHOWN = 60;

  /**
   * Clients write a request as they create it: a lag this long eats into its deadline, worth a
   * mention.
   */
  private static final long WRITE_LAG_SHOWN_MS = 100;

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "REQUEST_ID",
      description = "The id the request was sent with.")
  String requestId;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Read from this time on instead of the topics'"
              + " beginnings: ISO-8601 (2026-11-25T08:00:00Z; a date-time or date without zone is UTC), or a span back"
              + " from now (15m, 2h, 1d).")
  String since;

  @Option(
      names = "--all-partitions",
      description =
          "Read every partition, not only the id's (for records"
              + " written by producers with a partitioner of their own).")
  boolean allPartitions;

  @Option(names = "--json", description = "Print the report as JSON instead of the timeline.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    Clock clock = Clock.systemUTC();
    Instant from = since == null ? null : Since.parse(since, clock);
    Deployment deployment = options.deployment();
    GatestreamConfig config = deployment.config();
    Inspection.Settings settings =
        new Inspection.Settings(
            from,
            allPartitions,
            config.getList(GatestreamConfig.EXPERTS),
            deployment.clientTimeout());
    PrintWriter err = spec.commandLine().getErr();
    InspectReport report;
    try (RegistrySerdes serdes = deployment.registry().serdes(false)) {
      report =
          new Inspection(deployment.clients(), Topics.from(config), serdes, settings, clock)
              .inspect(requestId, new ReadProgress(err));
    }
    if (!report.found()) {
      throw new UserError(notFound(report));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    } else {
      lines(report).forEach(out::println);
    }
    out.flush();
    return 0;
  }

  /** One line per topic read, on stderr, so the story and the JSON stay clean on stdout. */
  private record ReadProgress(PrintWriter err) implements InspectListener {
    @Override
    public void read(TopicRead read) {
      if (!read.exists()) {
        err.printf("no topic %s%n", read.topic());
      } else {
        err.printf(
            "read %s (%s%s): %s, %d found, %d ms%n",
            read.topic(),
            partitions(read),
            read.allPartitionsBecause() == null ? "" : ": " + read.allPartitionsBecause(),
            count(read.records(), "record"),
            read.matched(),
            read.millis());
      }
      err.flush();
    }
  }

  static String notFound(InspectReport report) {
    String where = report.since() == null ? "from their beginnings" : "since " + report.since();
    String missing =
        report.reads().stream()
            .filter(read -> !read.exists() && read.role() == TopicRole.REQUESTS)
            .map(read -> "; there is no topic " + read.topic() + " (is topic.prefix right?)")
            .findFirst()
            .orElse("");
    String narrowed =
        report.readByKey()
            ? ", only the partition the id hashes to (--all-partitions reads all)"
            : "";
    long topics = report.reads().stream().filter(TopicRead::exists).count();
    return "request "
        + report.requestId()
        + " is found nowhere: read "
        + count(topics, "topic")
        + " "
        + where
        + narrowed
        + missing;
  }

  /** The story: a header line, then one line per event with its time since the first. */
  static List<String> lines(InspectReport report) {
    List<String> lines = new ArrayList<>();
    long scanned = report.reads().stream().mapToLong(TopicRead::records).sum();
    long millis = report.reads().stream().mapToLong(TopicRead::millis).sum();
    long topics = report.reads().stream().filter(TopicRead::exists).count();
    lines.add(
        String.format(
            Locale.ROOT,
            "request %s: %s; %s scanned on %s in %d ms%s%s",
            report.requestId(),
            count(report.events().size(), "event"),
            count(scanned, "record"),
            count(topics, "topic"),
            millis,
            report.readByKey() ? ", the id's partition of each" : "",
            report.since() == null ? "" : ", since " + report.since()));
    long start = report.startMs();
    for (Event event : report.events()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%-10s%-10s%s",
              relative(event.timeMs() - start),
              kind(event),
              facts(event)));
    }
    return lines;
  }

  static String relative(long ms) {
    if (Math.abs(ms) < 10_000) {
      return "+" + ms + " ms";
    }
    if (Math.abs(ms) < 600_000) {
      return String.format(Locale.ROOT, "+%.1f s", ms / 1000.0);
    }
    if (Math.abs(ms) < 7_200_000) {
      return String.format(Locale.ROOT, "+%.1f min", ms / 60_000.0);
    }
    return String.format(Locale.ROOT, "+%.1f h", ms / 3_600_000.0);
  }

  private static String kind(Event event) {
    if (event instanceof Event.Fused fused) {
      return fused.reply() ? "reply" : "fused";
    }
    return event instanceof Event.Request
        ? "request"
        : event instanceof Event.Decision
            ? "decision"
            : event instanceof Event.Task
                ? "task"
                : event instanceof Event.Result
                    ? "result"
                    : event instanceof Event.Feedback
                        ? "feedback"
                        : event instanceof Event.DeadLetter ? "dlq" : "problem";
  }

  private static String facts(Event event) {
    if (event instanceof Event.Request request) {
      return request(request);
    } else if (event instanceof Event.Decision decision) {
      return decision(decision);
    } else if (event instanceof Event.Task task) {
      return String.format(
          Locale.ROOT,
          "%s  weight %.2f  policy v%d  on %s",
          task.expert(),
          task.gateWeight(),
          task.policyVersion(),
          task.at().topic());
    } else if (event instanceof Event.Result result) {
      return result(result);
    } else if (event instanceof Event.Fused fused) {
      return fused(fused);
    } else if (event instanceof Event.Feedback feedback) {
      return feedback(feedback);
    } else if (event instanceof Event.DeadLetter dead) {
      return String.format(
              Locale.ROOT,
              "%s: %s  (from %s)",
              dead.stage() == null ? "?" : dead.stage(),
              dead.reason() == null ? "no reason given" : dead.reason(),
              source(dead))
          + (dead.matchedByValue() ? "  found by the id in its value" : "");
    }
    Event.Problem problem = (Event.Problem) event;
    return problem.problem() + "  (" + position(problem.at()) + ")";
  }

  private static String request(Event.Request r) {
    StringBuilder line = new StringBuilder(r.id());
    if (r.task() != null) {
      line.append("  task=").append(r.task());
    }
    if (r.text() != null) {
      line.append("  text=\"")
          .append(shorten(r.text()))
          .append("\" (")
          .append(r.text().length())
          .append(" chars)");
    }
    if (r.featureCount() > 0) {
      line.append("  ").append(r.featureCount()).append(" features");
    }
    line.append("  deadline ").append(r.deadlineMs() - r.createdAtMs()).append(" ms");
    long lag = r.at().timestampMs() - r.createdAtMs();
    if (lag >= WRITE_LAG_SHOWN_MS) {
      line.append("  written ")
          .append(lag)
          .append(" ms after its creation")
          .append(r.at().timestampMs() >= r.deadlineMs() ? ", past its deadline" : "");
    }
    if (r.costBudget() != null) {
      line.append(String.format(Locale.ROOT, "  budget $%.6f", r.costBudget()));
    }
    if (r.replyTo() != null) {
      line.append("  reply to ").append(r.replyTo());
    }
    if (!r.attributes().isEmpty()) {
      line.append("  ").append(new TreeMap<>(r.attributes()));
    }
    return line.toString();
  }

  private static String decision(Event.Decision d) {
    String experts =
        d.chosen().stream()
            .map(c -> String.format(Locale.ROOT, "%s %.2f", c.expert(), c.gateWeight()))
            .collect(Collectors.joining(", "));
    String propensities =
        d.chosen().stream()
            .map(c -> String.format(Locale.ROOT, "%s %.3f", c.expert(), c.propensity()))
            .collect(Collectors.joining(", "));
    String explore = d.explored() == null ? "unknown" : d.explored() ? "yes" : "no";
    return String.format(
        Locale.ROOT,
        "policy %s v%d  experts [%s]  propensity [%s]  features %s (%d)  explore %s",
        d.policy(),
        d.policyVersion(),
        experts,
        propensities,
        d.featurizer() == null ? "none" : d.featurizer(),
        d.featureDimension(),
        explore);
  }

  private static String result(Event.Result r) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s  %s  %d ms  $%.6f",
                r.expert(),
                r.status(),
                r.latencyMs(),
                r.cost()));
    if (r.answer() != null) {
      line.append("  answer \"").append(shorten(r.answer())).append('"');
    }
    if (r.error() != null) {
      line.append("  error: ").append(r.error());
    }
    return line.toString();
  }

  private static String fused(Event.Fused f) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s  %s  from %s of %s  %d ms end to end  $%.6f",
                f.completeness(),
                f.strategy(),
                f.contributors(),
                f.expected(),
                f.latencyMs(),
                f.totalCost()));
    if (f.answer() != null) {
      line.append("  answer \"").append(shorten(f.answer())).append('"');
    }
    if (!f.expertErrors().isEmpty()) {
      line.append("  left out ").append(new TreeMap<>(f.expertErrors()));
    }
    if (f.reply()) {
      line.append("  on ").append(f.at().topic());
    }
    return line.toString();
  }

  private static String feedback(Event.Feedback f) {
    List<String> parts = new ArrayList<>();
    if (f.reward() != null) {
      parts.add(String.format(Locale.ROOT, "reward %.3f", f.reward()));
    }
    if (f.label() != null) {
      parts.add("label \"" + shorten(f.label()) + "\"");
    }
    if (!f.expertRewards().isEmpty()) {
      Map<String, String> rewards = new TreeMap<>();
      f.expertRewards()
          .forEach(
              (expert, reward) -> rewards.put(expert, String.format(Locale.ROOT, "%.3f", reward)));
      parts.add("expert rewards " + rewards);
    }
    return parts.isEmpty() ? "no reward, label or expert rewards" : String.join("  ", parts);
  }

  private static String source(Event.DeadLetter d) {
    if (d.sourceTopic() == null) {
      return "an unnamed topic";
    }
    return d.sourceTopic()
        + (d.sourcePartition() == null ? "" : "-" + d.sourcePartition())
        + (d.sourceOffset() == null ? "" : "@" + d.sourceOffset());
  }

  private static String position(Event.RecordAt at) {
    return at.topic() + "-" + at.partition() + "@" + at.offset();
  }

  private static String partitions(TopicRead read) {
    if (read.byKey()) {
      return "partition " + read.partitionsRead().get(0) + " of " + read.partitionCount();
    }
    return read.partitionCount() == 1
        ? "its one partition"
        : "all " + read.partitionCount() + " partitions";
  }

  private static String count(long count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }

  /** The first characters of a text, on one line. */
  private static String shorten(String text) {
    String flat = text.strip().replaceAll("\\s*\\R\\s*", " ").replace("\"", "\\\"");
    return flat.length() <= TEXT_SHOWN ? flat : flat.substring(0, TEXT_SHOWN - 3) + "...";
  }
}
