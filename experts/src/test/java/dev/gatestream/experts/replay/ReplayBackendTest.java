package dev.gatestream.experts.replay;

import static dev.gatestream.experts.TestTasks.farFuture;
import static dev.gatestream.experts.TestTasks.task;
import static dev.gatestream.experts.replay.WideRoutingLogTest.FIXTURE;
import static dev.gatestream.experts.replay.WideRoutingLogTest.GPT4;
import static dev.gatestream.experts.replay.WideRoutingLogTest.MIXTRAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings.ReplayAnswer;
import dev.gatestream.experts.Outcome;
import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayBackendTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static ReplayLog gsm8k;

  @BeforeAll
  static void load() throws IOException {
    gsm8k = ReplayLog.load(FIXTURE);
  }

  private static ReplayLog inline(String csv) throws IOException {
    try (WideRoutingLog log = WideRoutingLog.read(new StringReader(csv), "inline.csv")) {
      return ReplayLog.index(log, OnRepeat.SKIP);
    }
  }

  @Test
  void answersWithTheLoggedQualityAsAScore() throws BackendException {
    ReplayBackend gpt4 = new ReplayBackend(GPT4, gsm8k, ReplayAnswer.SCORE, 0);

    List<Outcome> outcomes =
        gpt4.answer(
            List.of(task("gsm8k.4", GPT4, farFuture()), task("gsm8k.5", GPT4, farFuture())),
            TIMEOUT);

    assertThat(outcomes)
        .containsExactly(
            new Outcome.Answer(new Score(1.0), OptionalDouble.empty(), OptionalLong.empty()),
            new Outcome.Answer(new Score(0.0), OptionalDouble.empty(), OptionalLong.empty()));
    assertThat(gsm8k.size()).isEqualTo(60);
  }

  @Test
  void answersWithTheLoggedResponseWhenAsked() throws BackendException {
    ReplayBackend mixtral = new ReplayBackend(MIXTRAL, gsm8k, ReplayAnswer.RESPONSE, 0);

    Outcome.Answer answer =
        (Outcome.Answer)
            mixtral.answer(List.of(task("gsm8k.0", MIXTRAL, farFuture())), TIMEOUT).get(0);

    assertThat(((TextAnswer) answer.output()).getText()).endsWith("#### 18");
  }

  @Test
  void anUnknownRequestFailsPermanently() throws BackendException {
    ReplayBackend gpt4 = new ReplayBackend(GPT4, gsm8k, ReplayAnswer.SCORE, 0);

    assertThat(gpt4.answer(List.of(task("nope", GPT4, farFuture())), TIMEOUT))
        .containsExactly(Outcome.permanent("request nope is not in the replay log"));
  }

  @Test
  void usesLoggedCostAndLatencyAndSaysWhenNothingWasLogged() throws Exception {
    ReplayLog log =
        inline(
            "id,prompt,task,a/b-1.0,a/b-1.0|cost,a/b-1.0|latency_ms\n"
                + "q1,p,t,0.75,0.0125,80\n"
                + "q2,p,t,,,\n");
    ReplayBackend backend = new ReplayBackend("a/b-1.0", log, ReplayAnswer.SCORE, 0);

    List<Outcome> outcomes =
        backend.answer(
            List.of(task("q1", "a/b-1.0", farFuture()), task("q2", "a/b-1.0", farFuture())),
            TIMEOUT);

    assertThat(outcomes)
        .containsExactly(
            new Outcome.Answer(new Score(0.75), OptionalDouble.of(0.0125), OptionalLong.of(80)),
            Outcome.permanent("request q2 has no logged answer from a/b-1.0"));
  }

  @Test
  void reportsTheLoggedConfidenceAndNeverTheQualityAsOne() throws Exception {
    ReplayLog log =
        inline(
            "id,prompt,task,cheap,cheap|confidence,strong\n"
                + "q1,p,t,1,0.35,1\n"
                + "q2,p,t,0,,1\n");
    ReplayBackend cheap = new ReplayBackend("cheap", log, ReplayAnswer.SCORE, 0);
    ReplayBackend strong = new ReplayBackend("strong", log, ReplayAnswer.SCORE, 0);

    List<Outcome> outcomes =
        cheap.answer(
            List.of(task("q1", "cheap", farFuture()), task("q2", "cheap", farFuture())), TIMEOUT);

    assertThat(outcomes)
        .containsExactly(
            new Outcome.Answer(
                new Score(1.0),
                OptionalDouble.empty(),
                OptionalLong.empty(),
                OptionalDouble.of(0.35)),
            new Outcome.Answer(new Score(0.0), OptionalDouble.empty(), OptionalLong.empty()));
    assertThat(
            ((Outcome.Answer)
                    strong.answer(List.of(task("q1", "strong", farFuture())), TIMEOUT).get(0))
                .confidence())
        .as("a log without a confidence column gives no confidence")
        .isEmpty();
  }

  @Test
  void aConfidenceOutsideZeroToOneIsAFormatError() {
    assertThatThrownBy(() -> inline("id,prompt,task,a,a|confidence\nq1,p,t,1,1.5\n"))
        .hasMessageContaining("a|confidence");
  }

  @Test
  void reallyWaitsTheScaledLoggedLatency() throws Exception {
    ReplayLog log = inline("id,prompt,task,x,x|latency_ms\nq1,p,t,1,400\n");
    ReplayBackend halfSpeed = new ReplayBackend("x", log, ReplayAnswer.SCORE, 0.25);

    long start = System.nanoTime();
    halfSpeed.answer(List.of(task("q1", "x", farFuture())), TIMEOUT);

    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(100);
    assertThatThrownBy(
            () -> halfSpeed.answer(List.of(task("q1", "x", farFuture())), Duration.ofMillis(20)))
        .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessage("timed out after 20 ms (replayed latency 100 ms)");
  }

  @Test
  void refusesExpertsAndColumnsTheLogLacks() {
    assertThatThrownBy(() -> new ReplayBackend("gpt-5", gsm8k, ReplayAnswer.SCORE, 0))
        .hasMessageContaining("has no expert 'gpt-5'");
    assertThatThrownBy(
            () ->
                new ReplayBackend(
                    "x", inlineUnchecked("id,prompt,task,x\nq,p,t,1\n"), ReplayAnswer.RESPONSE, 0))
        .hasMessageContaining("has no column 'x|response' to answer with");
  }

  @Test
  void aRepeatedIdAnswersFromItsFirstRowOrIsRefusedWhenStrict() throws IOException {
    String csv = "id,prompt,task,x\nq,p,t,1\nq,p,t,0\n";
    assertThat(inline(csv).row("q").orElseThrow().quality("x")).isEqualTo(1.0);
    try (WideRoutingLog log = WideRoutingLog.read(new StringReader(csv), "inline.csv")) {
      assertThatThrownBy(() -> ReplayLog.index(log, OnRepeat.FAIL))
          .isInstanceOf(RoutingLogFormatException.class)
          .hasMessage("inline.csv line 3: id 'q' again (first on line 2)");
    }
  }

  @Test
  void severalLogsAnswerAsOne(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    Files.writeString(train, "id,prompt,task,a,b\nt1,p,x,1,0\n");
    Files.writeString(test, "id,prompt,task,b,c\ns1,p,y,1,0\n");
    ReplayLog both = ReplayLog.load(List.of(train, test));
    assertThat(both.experts()).containsExactly("a", "b", "c");
    assertThat(both.row("t1")).isPresent();
    assertThat(both.row("s1").orElseThrow().quality("b")).isEqualTo(1.0);
  }

  @Test
  void logsSharingAnIdAnswerFromTheLogTheRequestNames(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.csv");
    Path test = dir.resolve("test.csv");
    Files.writeString(train, "id,prompt,task,b\nt1,p,x,0\n");
    Files.writeString(test, "id,prompt,task,b\nt1,p,y,1\n");
    ReplayBackend b =
        new ReplayBackend("b", ReplayLog.load(List.of(train, test)), ReplayAnswer.SCORE, 0);

    // Each request has an id of its own and names the log and logged id it replays.
    List<Outcome> outcomes =
        b.answer(
            List.of(
                replaying("1:t1", train, "t1"),
                replaying("2:t1", dir.resolve("../" + dir.getFileName() + "/test.csv"), "t1")),
            TIMEOUT);
    Outcome unnamed = b.answer(List.of(task("t1", "b", farFuture())), TIMEOUT).get(0);

    assertThat(outcomes)
        .extracting(outcome -> ((Outcome.Answer) outcome).output())
        .containsExactly(new Score(0.0), new Score(1.0));
    assertThat(unnamed).isInstanceOf(Outcome.Failure.class);
    assertThat(unnamed.toString()).contains("id 't1' is in several replay logs");
    assertThatThrownBy(() -> ReplayLog.load(List.of(train, test), OnRepeat.FAIL))
        .isInstanceOf(RoutingLogFormatException.class)
        .hasMessage(test + " line 2: id 't1' again (first on line 2 of " + train + ")");
  }

  private static ExpertTask replaying(String requestId, Path log, String loggedId) {
    ExpertTask task = task(requestId, "b", farFuture());
    task.getRequest()
        .setAttributes(
            Map.of(
                ReplayBackend.LOG_ATTRIBUTE, log.toString(), ReplayBackend.ID_ATTRIBUTE, loggedId));
    return task;
  }

  private static ReplayLog inlineUnchecked(String csv) {
    try {
      return inline(csv);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
