package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.app.evaluate.DecisionLines;
import dev.gatestream.app.evaluate.LogEntry;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.LoggedDecision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gatestream evaluate} on an exported decisions file: no cluster needed. */
class EvaluateCommandTest {

  @TempDir Path dir;
  private Path decisions;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeDecisions() throws Exception {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      String expert = i % 2 == 0 ? "a" : "b";
      entries.add(
          new LogEntry(
              new LoggedDecision(
                  "r" + i,
                  "t",
                  null,
                  null,
                  null,
                  List.of(new Choice(expert, 1, 0.5)),
                  Map.of("a", 0.5, "b", 0.5),
                  Map.of(expert, expert.equals("a") ? 0.9 : 0.3),
                  null),
              null));
    }
    decisions = dir.resolve("decisions.jsonl");
    DecisionLines.write(decisions, entries);
  }

  private int evaluate(String... args) {
    List<String> all = new ArrayList<>(List.of("evaluate", "--decisions", decisions.toString()));
    all.addAll(List.of(args));
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(all.toArray(String[]::new));
  }

  @Test
  void printsWhatItReadAndTheEstimatesAndWritesTheReport() throws Exception {
    Path json = dir.resolve("report.json");

    assertThat(evaluate("--policy", "always:a", "--resamples", "50", "--json", json.toString()))
        .as(err.toString())
        .isZero();

    assertThat(out.toString())
        .startsWith("read 100 decisions from " + decisions + System.lineSeparator())
        .contains("candidate: always a", "95% interval", "doubly robust                    0.9000")
        .endsWith("report written to " + json + System.lineSeparator());
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.at("/source/decisionRecords").asInt()).isEqualTo(100);
    assertThat(report.at("/confidence").asDouble()).isEqualTo(0.95);
    assertThat(report.at("/evaluation/doublyRobust/value").asDouble()).isCloseTo(0.9, within(1e-9));
  }

  @Test
  void aCandidateTheLogsCannotSupportIsOneLineAndExitCode2() {
    assertThat(evaluate("--policy", "always:c")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("gatestream: candidate selects expert c ")
        .contains("where the logging policy's propensity was 0")
        .endsWith("the logs cannot support this candidate" + System.lineSeparator())
        .hasLineCount(1);
  }

  @Test
  void anUnknownEstimandIsNamed() {
    assertThat(evaluate("--policy", "always:a", "--estimand", "median")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "gatestream: --estimand must be total or mean, not 'median'" + System.lineSeparator());
  }
}
