package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.cli.GatestreamCli;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The replay job through the CLI, on the real broker and registry: the demo end to end on its bundled
 * slice, a sweep tracing the cost-quality frontier, and bad input refused in one line.
 */
@ExtendWith(GatestreamStackExtension.class)
class ReplayIT {

  private static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";
  private static final String GPT4 = "gpt-4-1106-preview";
  private static final Path DEMO = Path.of(System.getProperty("gatestream.home", "..")).resolve("examples/demo");

  private final StackEndpoints stack;

  ReplayIT(StackEndpoints stack) {
    this.stack = stack;
  }

  private record Run(int exit, String out, String err) {}

  private Run gatestream(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = GatestreamCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap", stack.bootstrapServers(), "--registry-url", stack.registryUrl()));
    int exit = cli.execute(all.toArray(String[]::new));
    System.out.print(out);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void demoReplaysTheBundledSliceWithOnlineLearning(@TempDir Path dir) throws Exception {
    Run run = gatestream("demo", "--out", dir.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(dir.resolve("replay.json").toFile());
    JsonNode train = report.at("/segments/0");
    JsonNode test = report.at("/segments/1");
    assertThat(train.get("requests").asInt()).isEqualTo(525);
    assertThat(test.get("requests").asInt()).isEqualTo(175);
    assertThat(test.at("/completeness/COMPLETE").asLong()).isEqualTo(175);
    // Learned weights were in use on the held-out rows.
    test.get("buckets").forEach(bucket -> assertThat(bucket.get("policyVersion").asLong()).isPositive());
    // One expert per request at the configured prices: the cost is the share-weighted price.
    for (JsonNode segment : List.of(train, test)) {
      double expected = 0.0006 * segment.at("/share/" + escape(MIXTRAL)).asDouble()
          + 0.03 * segment.at("/share/" + escape(GPT4)).asDouble();
      assertThat(segment.get("cost").asDouble()).isCloseTo(expected, within(1e-9));
      assertThat(segment.at("/baselines/singleExperts/" + escape(GPT4) + "/cost").asDouble())
          .isCloseTo(0.03, within(1e-12));
      assertThat(segment.get("quality").asDouble()).isBetween(
          segment.at("/baselines/uniformRandom/quality").asDouble() - 0.1,
          segment.at("/baselines/oracle/quality").asDouble());
    }
    assertThat(run.out()).contains("== test (held out): 175 requests", "gatestream (routed, learning online)");
    assertThat(Files.size(dir.resolve("replay.png"))).isPositive();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aSweepOfTheCostWeightTracesTheFrontier(@TempDir Path dir) throws Exception {
    Run run = gatestream("replay", DEMO.resolve("routellm-train.csv").toString(), "--shuffle", "3", "--limit", "200",
        "--policy", "success-predictor", "--price", MIXTRAL + "=0.0006", "--price", GPT4 + "=0.03",
        "--sweep", "router.gate.lambda=0,20", "--json", dir.resolve("sweep.json").toString(),
        "--chart", dir.resolve("frontier.png").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode sweep = new ObjectMapper().readTree(dir.resolve("sweep.json").toFile()).get("sweep");
    assertThat(sweep).hasSize(2);
    double free = sweep.get(0).at("/segments/0/cost").asDouble();
    double costly = sweep.get(1).at("/segments/0/cost").asDouble();
    // Weighing price at 20 quality units per dollar, GPT-4 must be predicted 0.59 more likely right.
    assertThat(costly).isLessThan(free);
    assertThat(run.out()).contains("cost-quality frontier", "routed, router.gate.lambda=20",
        "always " + GPT4);
    assertThat(Files.size(dir.resolve("frontier.png"))).isPositive();
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void recordedRequestsReplayFromTheirTopicAtTheirOriginalTiming(@TempDir Path dir) throws Exception {
    Path log = DEMO.resolve("routellm-test.csv");
    Run recording = gatestream("replay", log.toString(), "--limit", "120", "--keep-topics",
        "--json", dir.resolve("recorded.json").toString());
    assertThat(recording.exit()).as(recording.err()).isZero();
    Matcher kept = Pattern.compile("kept the topics (\\S+)\\*").matcher(recording.out());
    assertThat(kept.find()).as(recording.out()).isTrue();
    String prefix = kept.group(1);
    double recordedQuality = new ObjectMapper().readTree(dir.resolve("recorded.json").toFile())
        .at("/segments/0/quality").asDouble();

    Run replay = gatestream("replay", "kafka:" + prefix + "requests", "--original-timing", "--speedup", "4",
        "--feedback", "kafka:" + prefix + "feedback", "--set", "experts=" + MIXTRAL + "," + GPT4,
        "--set", "experts.replay.log=" + log, "--json", dir.resolve("replayed.json").toString());

    assertThat(replay.exit()).as(replay.err()).isZero();
    assertThat(replay.out()).contains("kafka:" + prefix + "requests: 120 requests recorded, 120 with feedback");
    JsonNode segment = new ObjectMapper().readTree(dir.resolve("replayed.json").toFile()).at("/segments/0");
    assertThat(segment.get("requests").asInt()).isEqualTo(120);
    assertThat(segment.get("rated").asInt()).isEqualTo(120);
    // The recorded deployment's quality is the mean reward of its feedback: the first run's quality.
    assertThat(segment.at("/baselines/recorded/quality").asDouble()).isCloseTo(recordedQuality, within(1e-9));
    assertThat(replay.out()).contains("the recorded deployment (its feedback)");
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void logsSharingIdsReplayInOneRunEachRequestAnsweredFromItsOwnLog(@TempDir Path dir) throws Exception {
    // The same ids in both logs, every expert right in train and wrong in test: a request answered from the
    // other log's row would show in the segment's quality. q0 repeats in train, its second row wrong.
    StringBuilder train = new StringBuilder("id,prompt,task,a,b\n");
    StringBuilder test = new StringBuilder("id,prompt,task,a,b\n");
    for (int i = 0; i < 40; i++) {
      train.append("q").append(i).append(",question number ").append(i).append(",t").append(i % 2).append(",1,1\n");
      test.append("q").append(i).append(",question number ").append(i).append(",t").append(i % 2).append(",0,0\n");
    }
    train.append("q0,question number 0,t0,0,0\n");
    Path trainLog = Files.writeString(dir.resolve("train.csv"), train);
    Path testLog = Files.writeString(dir.resolve("test.csv"), test);

    Run run = gatestream("replay", trainLog.toString(), testLog.toString(), "--price", "a=0.001", "--price", "b=0.003",
        "--spend-target", "0.002", "--bucket", "20", "--json", dir.resolve("replay.json").toString());
    Run strict = gatestream("replay", trainLog.toString(), "--duplicates", "fail");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode segments = new ObjectMapper().readTree(dir.resolve("replay.json").toFile()).get("segments");
    assertThat(segments.get(0).get("requests").asInt()).isEqualTo(40);
    assertThat(segments.get(0).get("duplicatesSkipped").asInt()).isEqualTo(1);
    assertThat(segments.get(0).get("quality").asDouble()).isEqualTo(1.0);
    assertThat(segments.get(1).get("quality").asDouble()).isEqualTo(0.0);
    assertThat(segments.get(0).at("/baselines/offline/inSample").asBoolean()).isTrue();
    assertThat(segments.get(1).at("/baselines/offline/fittedOn").asText()).isEqualTo("train.csv");
    assertThat(segments.get(1).at("/baselines/offline/knn/quality").asDouble()).isEqualTo(0.0);
    assertThat(segments.get(1).at("/spend/target").asDouble()).isEqualTo(0.002);
    assertThat(segments.get(1).has("dominatedBy")).isTrue();
    assertThat(run.out()).contains("1 duplicate ids skipped", "per-task lookup (in-sample)",
        "kNN (full information)", "spend ", "against target 0.002000");
    assertThat(strict.exit()).isEqualTo(2);
    assertThat(strict.err()).isEqualTo("gatestream: " + trainLog + " line 42: id 'q0' again (first on line 2)"
        + System.lineSeparator());
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aMalformedLogOrSweepIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("broken.csv");
    Files.writeString(log, "id,prompt,task,a,b\nq1,hello,t,1,0\nq2,world,t,1,high\n");

    Run malformed = gatestream("replay", log.toString());
    Run badSweep = gatestream("replay", DEMO.resolve("routellm-test.csv").toString(), "--sweep", "router.gate.lamda=1");
    Run timedLog = gatestream("replay", DEMO.resolve("routellm-test.csv").toString(), "--original-timing");
    Run notAGate = gatestream("replay", DEMO.resolve("routellm-test.csv").toString(), "--policy", "always:x");

    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).startsWith("gatestream: ").contains("line 3").hasLineCount(1);
    assertThat(badSweep.exit()).isEqualTo(2);
    assertThat(badSweep.err()).isEqualTo("gatestream: --sweep: unknown setting 'router.gate.lamda'"
        + System.lineSeparator());
    assertThat(timedLog.exit()).isEqualTo(2);
    assertThat(timedLog.err()).contains("--original-timing needs recorded requests").hasLineCount(1);
    assertThat(notAGate.exit()).isEqualTo(2);
    assertThat(notAGate.err()).contains("replay runs a router, so the policy is a gate kind").hasLineCount(1);
  }

  /** JSON pointer escaping of a map key that holds '/'. */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
