package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.inspect.Event;
import dev.gatestream.app.inspect.InspectReport;
import dev.gatestream.app.inspect.TopicRead;
import dev.gatestream.app.inspect.TopicRole;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class InspectCommandTest {

  private static final long T0 = 1_790_000_000_000L;

  private static Event.RecordAt at(String topic, long timestamp) {
    return new Event.RecordAt(topic, 2, 5, timestamp);
  }

  @Test
  void printsOneLinePerEventWithTheTimeSinceTheFirst() {
    InspectReport report =
        new InspectReport(
            "r42",
            null,
            List.of(
                new Event.Request(
                    at("g-requests", T0),
                    "r42",
                    T0,
                    "gsm8k",
                    "What is 6 * 7?\nAnswer with a number.",
                    0,
                    Map.of(),
                    T0 + 5_000,
                    null,
                    null),
                new Event.Decision(
                    at("g-decisions", T0 + 3),
                    "default",
                    17,
                    List.of(
                        new Event.Chosen("gpt-4", 0.71, 0.97),
                        new Event.Chosen("mixtral", 0.29, 0.03)),
                    Map.of("gpt-4", 0.97, "mixtral", 0.03),
                    "task32+hashed32+length1",
                    65,
                    false,
                    T0 + 3),
                new Event.Task(at("g-expert-tasks-gpt-4", T0 + 3), "gpt-4", 0.71, 17, T0 + 3),
                new Event.Result(
                    at("g-expert-results", T0 + 40), "gpt-4", "OK", 37, 0.03, null, "42", T0 + 40),
                new Event.Fused(
                    at("g-fused-results", T0 + 41),
                    false,
                    "weighted-average",
                    "COMPLETE",
                    List.of("gpt-4"),
                    List.of("gpt-4"),
                    Map.of(),
                    0.03,
                    41,
                    17,
                    "42",
                    T0 + 41),
                new Event.Feedback(
                    at("g-feedback", T0 + 12_500), 1.0, null, Map.of("gpt-4", 1.0), T0 + 12_500)),
            List.of(
                new TopicRead(
                    "g-requests",
                    TopicRole.REQUESTS,
                    true,
                    List.of(2),
                    4,
                    true,
                    null,
                    100,
                    1,
                    12)));

    List<String> lines = InspectCommand.lines(report);

    assertThat(lines)
        .containsExactly(
            "request r42: 6 events; 100 records scanned on 1 topic in 12 ms, the id's partition of each",
            "+0 ms     request   r42  task=gsm8k  text=\"What is 6 * 7? Answer with a number.\" (36 chars)  deadline 5000 ms",
            "+3 ms     decision  policy default v17  experts [gpt-4 0.71, mixtral 0.29]  propensity [gpt-4 0.970,"
                + " mixtral 0.030]  features task32+hashed32+length1 (65)  explore no",
            "+3 ms     task      gpt-4  weight 0.71  policy v17  on g-expert-tasks-gpt-4",
            "+40 ms    result    gpt-4  OK  37 ms  $0.030000  answer \"42\"",
            "+41 ms    fused     COMPLETE  weighted-average  from [gpt-4] of [gpt-4]  41 ms end to end  $0.030000"
                + "  answer \"42\"",
            "+12.5 s   feedback  reward 1.000  expert rewards {gpt-4=1.000}");
  }

  @Test
  void deadLettersAndProblemsSayWhereFrom() {
    InspectReport report =
        new InspectReport(
            "bad-1",
            Instant.parse("2026-11-25T08:00:00Z"),
            List.of(
                new Event.Problem(
                    at("g-requests", T0),
                    "cannot be read as a record of g-requests: no magic byte"),
                new Event.DeadLetter(
                    at("g-dead-letters", T0),
                    "router",
                    "cannot read inference request: no magic byte",
                    "g-requests",
                    2,
                    5L,
                    T0 + 8,
                    false)),
            List.of());

    assertThat(InspectCommand.lines(report))
        .containsExactly(
            "request bad-1: 2 events; 0 records scanned on 0 topics in 0 ms, since 2026-11-25T08:00:00Z",
            "+0 ms     problem   cannot be read as a record of g-requests: no magic byte  (g-requests-2@5)",
            "+8 ms     dlq       router: cannot read inference request: no magic byte  (from g-requests-2@5)");
  }

  @Test
  void aRequestWrittenLongAfterItsCreationSaysSo() {
    InspectReport report =
        new InspectReport(
            "r1",
            null,
            List.of(
                new Event.Request(
                    at("g-requests", T0 + 7_978),
                    "r1",
                    T0,
                    "gsm8k",
                    null,
                    2,
                    Map.of("tenant", "a"),
                    T0 + 5_000,
                    0.01,
                    "my-replies")),
            List.of());

    assertThat(InspectCommand.lines(report).get(1))
        .isEqualTo(
            "+0 ms     request   r1  task=gsm8k  2 features"
                + "  deadline 5000 ms  written 7978 ms after its creation, past its deadline  budget $0.010000"
                + "  reply to my-replies  {tenant=a}");
  }

  @Test
  void timesGrowTheirUnit() {
    assertThat(InspectCommand.relative(9_999)).isEqualTo("+9999 ms");
    assertThat(InspectCommand.relative(61_000)).isEqualTo("+61.0 s");
    assertThat(InspectCommand.relative(900_000)).isEqualTo("+15.0 min");
    assertThat(InspectCommand.relative(10_800_000)).isEqualTo("+3.0 h");
  }

  @Test
  void nothingFoundNamesWhatWasRead() {
    InspectReport report =
        new InspectReport(
            "nope",
            null,
            List.of(),
            List.of(
                new TopicRead(
                    "g-requests", TopicRole.REQUESTS, true, List.of(1), 4, true, null, 100, 0, 12),
                new TopicRead(
                    "g-feedback", TopicRole.FEEDBACK, true, List.of(1), 4, true, null, 10, 0, 3)));

    assertThat(InspectCommand.notFound(report))
        .isEqualTo(
            "request nope is found nowhere: read 2 topics from their"
                + " beginnings, only the partition the id hashes to (--all-partitions reads all)");
  }

  @Test
  void aBadSinceIsOneLineAndExitTwo() {
    StringWriter err = new StringWriter();
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    // Parsed before anything is contacted: no broker or registry is needed to refuse it.
    int exit =
        cli.execute(
            "inspect",
            "r1",
            "--since",
            "yesterday",
            "--bootstrap",
            "127.0.0.1:1",
            "--registry-url",
            "http://127.0.0.1:1");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: 'yesterday' is neither an ISO-8601 time like"
                + " 2026-11-25T08:00:00Z nor a span back from now like 15m, 2h or 1d"
                + System.lineSeparator());
  }
}
