package dev.gatestream.cli.bench;

import dev.gatestream.app.bench.BenchListener;
import dev.gatestream.app.bench.BenchReport;
import java.io.PrintWriter;

/** The bench's progress as terminal lines. */
public final class BenchProgress implements BenchListener {

  private final PrintWriter out;

  public BenchProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void topicsCreating(TopicsCreating topics) {
    out.printf(
        "%s: creating %d topics with prefix %s%n",
        topics.chain(), topics.topics(), topics.topicPrefix());
    out.flush();
  }

  @Override
  public void awaiting(Awaiting results) {
    out.printf("  %s: %d of %d results%n", results.phase(), results.received(), results.expected());
    out.flush();
  }

  @Override
  public void measured(BenchReport.ChainResult result) {
    out.printf(
        "%s: %.0f requests/s in the burst; p99 %d ms at %.0f requests/s%n",
        result.chain(),
        result.burstPerSecond(),
        result.latency().p99Ms(),
        result.steadyAchievedPerSecond());
    out.flush();
  }
}
