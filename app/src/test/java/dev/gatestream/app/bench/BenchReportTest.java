package dev.gatestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BenchReportTest {

  @Test
  void percentilesOfTheSteadyRateLatencies() {
    Histogram latencies = new Histogram(3);
    for (int ms = 1; ms <= 1000; ms++) {
      latencies.recordValue(ms);
    }

    BenchReport.Percentiles p = BenchReport.Percentiles.of(latencies);

    assertThat(p.p50Ms()).isEqualTo(500);
    assertThat(p.p90Ms()).isEqualTo(900);
    assertThat(p.p99Ms()).isEqualTo(990);
    assertThat(p.p999Ms()).isEqualTo(999);
    assertThat(p.maxMs()).isEqualTo(1000);
  }

  @Test
  void aChainsThroughputIsItsBurstOverItsDuration() {
    Histogram one = new Histogram(3);
    one.recordValue(4);

    BenchReport.ChainResult chain =
        BenchReport.ChainResult.of("raw", 20_000, 2.0, 10_000, 5.0, one, Map.of());

    assertThat(chain.burstPerSecond()).isEqualTo(10_000);
    assertThat(chain.steadyAchievedPerSecond()).isEqualTo(2_000);
    assertThat(chain.latency().p99Ms()).isEqualTo(4);
  }

  @Test
  void ratioIsThePipelineOverTheRawChain() {
    BenchReport report =
        new BenchReport(
            "exactly-once",
            4,
            4,
            2,
            1000,
            100,
            10,
            List.of(
                chain(BenchReport.KAFKA, 100_000),
                chain(BenchReport.RAW, 40_000),
                chain(BenchReport.PIPELINE, 10_000)));

    assertThat(report.ratio()).isEqualTo(0.25);
    assertThat(report.chain(BenchReport.PASS_THROUGH)).isEmpty();
  }

  @Test
  void noRatioWithoutTheRawChain() {
    BenchReport report =
        new BenchReport(
            "exactly-once", 4, 4, 2, 1000, 100, 10, List.of(chain(BenchReport.PIPELINE, 10_000)));

    assertThat(report.ratio()).isNaN();
  }

  @Test
  void recordsPerRequestByTopicRoleFromEndOffsetDeltas() {
    Map<String, Long> before =
        Map.of(
            "requests", 100L,
            "decisions", 100L,
            "expert-tasks-a", 50L,
            "expert-tasks-b", 50L,
            "fused-results", 100L);
    Map<String, Long> after =
        Map.of(
            "requests", 1100L,
            "decisions", 1104L,
            "expert-tasks-a", 1050L,
            "expert-tasks-b", 1050L,
            "expert-results", 2000L,
            "fused-results", 1100L,
            "fusion-fusion-pending-changelog", 2000L,
            "fusion-fusion-due-index-changelog", 1500L,
            "dead-letters", 0L);

    Map<String, Double> perRequest = BenchReport.recordsPerRequest(before, after, 1000);

    assertThat(perRequest)
        .containsOnlyKeys("requests", "decisions", "tasks", "results", "fused", "changelogs");
    assertThat(perRequest.get("decisions")).isCloseTo(1.004, within(1e-9));
    assertThat(perRequest.get("tasks")).isEqualTo(2.0);
    assertThat(perRequest.get("results")).isEqualTo(2.0);
    assertThat(perRequest.get("changelogs")).isEqualTo(3.5);
  }

  private static BenchReport.ChainResult chain(String name, double burstPerSecond) {
    return new BenchReport.ChainResult(
        name, burstPerSecond, 1, 1, 1, new BenchReport.Percentiles(1, 1, 1, 1, 1), Map.of());
  }
}
