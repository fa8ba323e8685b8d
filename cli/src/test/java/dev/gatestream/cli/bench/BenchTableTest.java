package dev.gatestream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.bench.BenchListener;
import dev.gatestream.app.bench.BenchReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTableTest {

  private static final BenchReport.SystemResult PASS =
      new BenchReport.SystemResult("pass-through", 10_000, 2, 30_000, 1995, 3, 5, 9, 14, 20);
  private static final BenchReport.SystemResult PIPE =
      new BenchReport.SystemResult("pipeline", 4_000, 5, 30_000, 1990, 8, 12, 25, 40, 61);

  @Test
  void bothSystemsSideBySideAndTheRatio() {
    StringWriter text = new StringWriter();

    BenchTable.print(
        new BenchReport(6, 4, 2, 20_000, 2_000, 15, List.of(PASS, PIPE), 0.4),
        new PrintWriter(text));

    assertThat(text.toString().lines())
        .containsExactly(
            "",
            "6 partitions, 4 replay experts, 2 per request; burst of 20000 requests, then 2000 req/s for 15 s",
            "system           throughput/s     steady/s   p50 ms   p90 ms   p99 ms p99.9 ms   max ms",
            "pass-through            10000         1995        3        5        9       14       20",
            "pipeline                 4000         1990        8       12       25       40       61",
            "pipeline throughput = 40% of the pass-through chain's (same hops, serdes, partitions)");
  }

  @Test
  void progressLinesPerSystem() {
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
}
