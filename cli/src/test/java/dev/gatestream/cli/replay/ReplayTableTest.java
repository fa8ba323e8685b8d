package dev.gatestream.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.app.replay.ReplayReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayTableTest {

  private static final ReplayReport.Baselines BASELINES =
      new ReplayReport.Baselines(
              Map.of(
                  "cheap",
                  new ReplayReport.Baseline(0.60, 0.001),
                  "dear",
                  new ReplayReport.Baseline(0.80, 0.030)),
              new ReplayReport.Baseline(0.70, 0.0155),
              new ReplayReport.Baseline(0.85, 0.004),
              null)
          .withOffline(
              new ReplayReport.Offline(
                  "train.csv",
                  false,
                  new ReplayReport.Baseline(0.75, 0.02),
                  new ReplayReport.Baseline(0.74, 0.01),
                  new ReplayReport.Baseline(0.78, 0.02)));

  private static ReplayReport.Segment segment(double quality, double cost, double secondHalfCost) {
    return new ReplayReport.Segment(
        "test.csv",
        100,
        100,
        quality,
        cost,
        secondHalfCost,
        Map.of(),
        BASELINES,
        List.of(),
        Map.of());
  }

  private static String table(ReplayReport.Segment segment) {
    StringWriter text = new StringWriter();
    ReplayTable.print(new ReplayReport(List.of(segment)), new PrintWriter(text));
    return text.toString();
  }

  @Test
  void aSingleExpertBetterAndCheaperDominatesTheRouter() throws Exception {
    ReplayReport.Segment segment = segment(0.59, 0.002, 0.002);

    assertThat(segment.dominatedBy()).isEqualTo(new ReplayReport.Dominating("cheap", 0.60, 0.001));
    assertThat(table(segment))
        .contains("dominated by cheap (quality 0.600 at cost 0.001000 per request)");
    JsonNode json = new ObjectMapper().valueToTree(segment);
    assertThat(json.at("/dominatedBy/expert").asText()).isEqualTo("cheap");
    assertThat(json.get("spend").isNull()).isTrue();
  }

  @Test
  void aRouterNoExpertBeatsOnBothIsOnTheFrontier() {
    ReplayReport.Segment segment = segment(0.70, 0.010, 0.010);

    assertThat(segment.dominatedBy()).isNull();
    assertThat(table(segment))
        .contains("on the frontier: no single expert is both better and cheaper")
        .contains(
            "per-task lookup  ",
            "per-task lookup, cost-aware",
            "kNN (full information)",
            "offline references fitted on every logged outcome of train.csv");
  }

  @Test
  void theSpendIsReportedAgainstTheTargetOverallAndInTheSecondHalf() {
    ReplayReport.Segment segment = segment(0.70, 0.012, 0.0099).withContext(3, 0.01);

    assertThat(table(segment))
        .contains(
            "3 duplicate ids skipped",
            "spend 0.012000 per request against target 0.010000 (+20.0%), second half: 0.009900 (-1.0%)");
    JsonNode json = new ObjectMapper().valueToTree(segment);
    assertThat(json.at("/spend/secondHalfDeviation").asDouble()).isBetween(-0.0101, -0.0099);
    assertThat(json.get("duplicatesSkipped").asInt()).isEqualTo(3);
  }

  @Test
  void thePaceAndTheWeightsStalenessAreReportedAndSurviveTheContext() {
    ReplayReport.Segment segment =
        segment(0.70, 0.010, 0.010)
            .withPace(new ReplayReport.Pace(10, 3_210.4, 812.6, 2_400, 1_800))
            .withContext(0, 0);

    assertThat(table(segment))
        .contains(
            "3210 requests/s (window up to 1800 in flight); weights 813 examples behind the"
                + " feedback on average, at most 2400");
    JsonNode json = new ObjectMapper().valueToTree(segment);
    assertThat(json.at("/pace/maxExamplesBehind").asLong()).isEqualTo(2_400);
    assertThat(table(segment(0.70, 0.010, 0.010))).doesNotContain("requests/s");
  }

  @Test
  void aSegmentIsHeadedByItsNameAndTheRoutedLineComesFirst() {
    ReplayReport.Segment segment =
        new ReplayReport.Segment(
            "test (held out)",
            175,
            175,
            0.731,
            0.012,
            0.0116,
            Map.of("cheap", 0.6, "dear", 0.4),
            BASELINES,
            List.of(),
            Map.of());

    assertThat(table(segment).lines()).element(1).isEqualTo("== test (held out): 175 requests");
    assertThat(table(segment).lines())
        .element(3)
        .isEqualTo("gatestream (routed, learning online)                    0.731     0.012000");
  }

  @Test
  void recordedRequestsShowTheRecordedDeploymentAndHowManyWereRated() {
    ReplayReport.Segment segment =
        new ReplayReport.Segment(
            "kafka:replay-x-requests",
            120,
            100,
            0.7,
            0.01,
            0.01,
            Map.of("cheap", 1.0),
            new ReplayReport.Baselines(
                Map.of(), null, null, new ReplayReport.Baseline(0.65, Double.NaN)),
            List.of(),
            Map.of());

    assertThat(table(segment))
        .contains(
            "== kafka:replay-x-requests: 120 requests, quality known for 100 (from the"
                + " recorded feedback)",
            "  routed to cheap",
            "the recorded deployment (its feedback)                  0.650");
  }

  @Test
  void aSweepIsTheCostQualityFrontierOfItsPointsAndTheSingleExperts() {
    List<ReplayReport.SweepPoint> sweep =
        List.of(
            new ReplayReport.SweepPoint(
                "router.gate.lambda", "0", List.of(segment(0.79, 0.025, 0.025))),
            new ReplayReport.SweepPoint(
                "router.gate.lambda", "20", List.of(segment(0.70, 0.008, 0.008))));
    StringWriter text = new StringWriter();

    ReplayTable.print(new ReplayReport(sweep.get(1).segments(), sweep), new PrintWriter(text));

    assertThat(text.toString())
        .contains(
            "== test.csv: cost-quality frontier (* = efficient: nothing else is better"
                + " for less)",
            "routed, router.gate.lambda=0",
            "routed, router.gate.lambda=20",
            "always dear",
            "always cheap");
  }

  @Test
  void referencesFittedOnTheSegmentItselfSaySo() {
    ReplayReport.Baselines inSample =
        BASELINES.withOffline(
            new ReplayReport.Offline(
                "test.csv",
                true,
                new ReplayReport.Baseline(0.75, 0.02),
                new ReplayReport.Baseline(0.74, 0.01),
                new ReplayReport.Baseline(0.78, 0.02)));
    ReplayReport.Segment segment =
        new ReplayReport.Segment(
            "test.csv", 100, 100, 0.7, 0.01, 0.01, Map.of(), inSample, List.of(), Map.of());

    assertThat(table(segment))
        .contains(
            "per-task lookup (in-sample)",
            "per-task lookup, cost-aware (in-sample)",
            "kNN (full information, in-sample)",
            "offline references fitted in-sample on every logged outcome of this"
                + " log (kNN: each row left out)");
  }
}
