package dev.gatestream.app.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gatestream.app.UserError;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.LoggedDecision;
import dev.gatestream.policy.evaluation.UnsupportedCandidateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluate job offline, on decisions an export wrote: no cluster needed. */
class EvaluateJobTest {

  private static final int DECISIONS = 400;
  private static final GatestreamConfig CONFIG = new ConfigLoader(Map.of()).load(null, Map.of());

  /** A uniform logging policy over a (quality 0.8) and b (0.2): every candidate is supported. */
  private static Path uniformLog(Path dir) throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < DECISIONS; i++) {
      String expert = random.nextBoolean() ? "a" : "b";
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
                  Map.of(expert, expert.equals("a") ? 0.8 : 0.2),
                  null),
              null));
    }
    Path file = dir.resolve("decisions.jsonl");
    DecisionLines.write(file, entries);
    return file;
  }

  @Test
  void estimatesACandidateFromTheLogsAloneAndTellsWhatItRead(@TempDir Path dir) throws Exception {
    Path log = uniformLog(dir);
    Path export = dir.resolve("export.jsonl");
    List<Object> told = new ArrayList<>();
    EvaluateListener listener =
        new EvaluateListener() {
          @Override
          public void decisionsRead(EvaluateReport.Source source) {
            told.add(source);
          }

          @Override
          public void exported(Exported exported) {
            told.add(exported);
          }
        };

    EvaluateReport report =
        new EvaluateJob(CONFIG, dir, listener)
            .run(
                EvaluateSettings.of(log.toString(), new CandidateSpec.Always("a"))
                    .withExport(export));

    EvaluateReport.Source source =
        new EvaluateReport.Source(log.toString(), null, null, DECISIONS, 0, null, 0, DECISIONS);
    assertThat(report.source()).isEqualTo(source);
    assertThat(report.candidate()).isEqualTo("always a");
    assertThat(report.confidence()).isEqualTo(0.95);
    assertThat(report.evaluation().used()).isEqualTo(DECISIONS);
    assertThat(report.evaluation().doublyRobust().value()).isCloseTo(0.8, within(1e-9));
    assertThat(report.evaluation().selfNormalizedIps().value()).isCloseTo(0.8, within(1e-9));
    assertThat(report.evaluation().loggingPolicy().value()).isBetween(0.4, 0.6);
    assertThat(told).containsExactly(source, new EvaluateListener.Exported(DECISIONS, export));
    assertThat(Files.readAllLines(export)).isEqualTo(Files.readAllLines(log));
  }

  @Test
  void aCandidateTheLogsCannotSupportIsRefused(@TempDir Path dir) throws Exception {
    Path log = uniformLog(dir);

    assertThatThrownBy(
            () ->
                new EvaluateJob(CONFIG, dir, EvaluateListener.NONE)
                    .run(EvaluateSettings.of(log.toString(), new CandidateSpec.Always("c"))))
        .isInstanceOf(UnsupportedCandidateException.class)
        .hasMessageStartingWith("candidate selects expert c");
  }

  @Test
  void aGateNeedsTheFeaturesItsFeaturizerMakes(@TempDir Path dir) throws Exception {
    Path log = uniformLog(dir);

    assertThatThrownBy(
            () ->
                new EvaluateJob(CONFIG, dir, EvaluateListener.NONE)
                    .run(
                        EvaluateSettings.of(
                            log.toString(), CandidateSpec.parse("softmax-top-k:k=1"))))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith(
            "400 logged decisions have features of unnamed featurizer (no features) but the"
                + " candidate's featurizer is");
  }

  @Test
  void aDecisionsFileCarriesItsRewardsAndMustHoldDecisions(@TempDir Path dir) throws Exception {
    Path log = uniformLog(dir);
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    EvaluateJob job = new EvaluateJob(CONFIG, dir, EvaluateListener.NONE);
    CandidateSpec always = new CandidateSpec.Always("a");
    EvaluateSettings withResults =
        new EvaluateSettings(
            log.toString(),
            "kafka:results",
            null,
            always,
            null,
            EvaluateSettings.of(log.toString(), always).estimand(),
            10,
            0.9,
            1,
            0.001,
            null);

    assertThatThrownBy(() -> job.run(withResults))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "--results goes with --decisions kafka:...; a decisions file carries what each chosen expert"
                + " earned");
    assertThatThrownBy(
            () -> job.run(EvaluateSettings.of(dir.resolve("none.jsonl").toString(), always)))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("no such decisions file: ");
    assertThatThrownBy(() -> job.run(EvaluateSettings.of(empty.toString(), always)))
        .isInstanceOf(UserError.class)
        .hasMessage("no decisions to evaluate on in " + empty);
  }
}
