package dev.gatestream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.bench.BenchListener;
import dev.gatestream.app.bench.BenchReport;
import dev.gatestream.app.bench.BenchReport.ChainResult;
import dev.gatestream.app.bench.BenchReport.Percentiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchTableTest {

  private static final ChainResult RAW =
      new ChainResult(
          "raw",
          40_000,
          0.5,
          20_000,
          1995,
          new Percentiles(2, 3, 6, 9, 12),
          ordered("requests", 1.01, "tasks", 1.02, "results", 1.02, "fused", 1.02));
  private static final ChainResult PIPE =
      new ChainResult(
          "pipeline",
          4_000,
          5,
          20_000,
          1990,
          new Percentiles(8, 12, 25, 40, 61),
          ordered("changelogs", 3.5, "decisions", 1.0, "tasks", 2.0, "fused", 1.0));

  @Test
  void chainsSideBySideWithTheirRecordsAndTheRatio() {
    StringWriter text = new StringWriter();

    BenchTable.print(
        new BenchReport("exactly-once", 4, 4, 2, 20_000, 2_000, 10, List.of(RAW, PIPE)),
        new PrintWriter(text));

    assertThat(text.toString().lines())
        .containsExactly(
            "",
            "exactly-once: 4 partitions, 4 replay experts, 2 per request; burst of 20000 requests,"
                + " then 2000 req/s for 10 s",
            "chain             burst/s   steady/s   p50 ms   p90 ms   p99 ms p99.9 ms   max ms "
                + " records per request",
            "raw                 40000       1995        2        3        6        9       12 "
                + " requests 1.01, tasks 1.02, results 1.02, fused 1.02",
            "pipeline             4000       1990        8       12       25       40       61 "
                + " changelogs 3.50, decisions 1.00, tasks 2.00, fused 1.00",
            "ratio pipeline/raw = 0.100 (burst throughput against the byte-array Streams chain of"
                + " the same hops; read it with the records per request beside it)");
  }

  @Test
  void noRatioWithoutBothChains() {
    StringWriter text = new StringWriter();

    BenchTable.print(
        new BenchReport("low-latency", 4, 4, 2, 20_000, 2_000, 10, List.of(PIPE)),
        new PrintWriter(text));

    assertThat(text.toString()).doesNotContain("ratio");
  }

  @Test
  void progressLinesPerChain() {
    StringWriter text = new StringWriter();
    BenchProgress progress = new BenchProgress(new PrintWriter(text));

    progress.topicsCreating(new BenchListener.TopicsCreating("pipeline", 9, "bench-x-pipe-"));
    progress.awaiting(new BenchListener.Awaiting("pipeline burst", 1200, 22000));
    progress.measured(PIPE);

    assertThat(text.toString().lines())
        .containsExactly(
            "pipeline: creating 9 topics with prefix bench-x-pipe-",
            "  pipeline burst: 1200 of 22000 results",
            "pipeline: 4000 requests/s in the burst; p99 25 ms at 1990 requests/s");
  }

  private static Map<String, Double> ordered(Object... pairs) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Double) pairs[i + 1]);
    }
    return map;
  }
}
