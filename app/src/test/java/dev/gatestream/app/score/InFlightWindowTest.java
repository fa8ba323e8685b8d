package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

  private final AtomicLong nanos = new AtomicLong();
  private long ms;

  /**
   * Keeps the window full against a pipeline of {@code capacityPerSecond} whose latency is {@code
   * baseLatencyMs} with nothing queued, plus the wait in its queue (first in, first out), for
   * {@code seconds} in 1 ms steps; returns the largest window of the last second.
   */
  private int run(InFlightWindow window, int capacityPerSecond, long baseLatencyMs, int seconds) {
    ArrayDeque<Long> sentAtMs = new ArrayDeque<>();
    double capacity = 0;
    int largest = 0;
    for (long end = ms + seconds * 1_000L; ms < end; ms++) {
      nanos.set(ms * 1_000_000);
      while (sentAtMs.size() < window.limit()) {
        sentAtMs.add(ms);
      }
      // What the pipeline can do this ms; idle capacity is not saved up.
      capacity = Math.min(capacity, 1) + capacityPerSecond / 1_000.0;
      while (capacity >= 1 && !sentAtMs.isEmpty() && ms - sentAtMs.peek() >= baseLatencyMs) {
        window.completed(ms - sentAtMs.poll());
        capacity--;
      }
      if (end - ms <= 1_000) {
        largest = Math.max(largest, window.limit());
      }
    }
    return largest;
  }

  @Test
  void growsToKeepThePipelineBusyWithoutQueueingMuchMore() {
    InFlightWindow window = new InFlightWindow(50, 20_000, nanos::get);

    // 4,000/s × 0.3 s = 1,200 in flight keep it busy; up to twice that, latency doubles.
    assertThat(run(window, 4_000, 300, 15)).isBetween(1_200, 2_400 + 600);
    assertThat(run(window, 4_000, 300, 30)).isBetween(1_200, 2_400 + 600);
  }

  @Test
  void aPipelineSlowerThanTheFirstWindowIsNotFloodedByIt() {
    InFlightWindow window = new InFlightWindow(50, 20_000, nanos::get);

    // 20/s × 0.5 s = 10 keep it busy: its first latencies are all queueing already.
    assertThat(run(window, 20, 500, 60)).isLessThanOrEqualTo(2 * 50);
  }

  @Test
  void staysWithinItsCeilingAndHoldsWithoutResults() {
    InFlightWindow capped = new InFlightWindow(50, 500, nanos::get);
    assertThat(run(capped, 4_000, 300, 10)).isEqualTo(500);

    InFlightWindow idle = new InFlightWindow(50, 20_000, nanos::get);
    nanos.addAndGet(60_000_000_000L);
    assertThat(idle.limit()).isEqualTo(50);
  }

  @Test
  void aFixedWindowDoesNotAdapt() {
    InFlightWindow fixed = InFlightWindow.of(64, nanos::get);

    assertThat(run(fixed, 4_000, 300, 5)).isEqualTo(64);
    assertThat(fixed.ceiling()).isEqualTo(64);
    assertThat(InFlightWindow.of(0, nanos::get).ceiling())
        .isEqualTo(InFlightWindow.DEFAULT_CEILING);
  }
}
