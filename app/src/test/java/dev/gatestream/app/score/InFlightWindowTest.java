package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InFlightWindowTest {

  private final AtomicLong nanos = new AtomicLong();

  /**
   * A pipeline of {@code capacityPerSecond} whose latency is {@code baseLatencyMs} unloaded, plus
   * the wait in its queue: runs the window for {@code seconds} in 1 ms steps, keeping it full.
   */
  private int settle(
      InFlightWindow window, int capacityPerSecond, long baseLatencyMs, int seconds) {
    ArrayDeque<Long> sentAtMs = new ArrayDeque<>();
    double served = 0;
    for (long ms = 0; ms < seconds * 1_000L; ms++) {
      nanos.set(ms * 1_000_000);
      while (sentAtMs.size() < window.limit()) {
        sentAtMs.add(ms);
      }
      served += capacityPerSecond / 1_000.0;
      // FIFO: the oldest request completes once it has been in flight the base latency, at most
      // capacity per ms.
      while (served >= 1 && !sentAtMs.isEmpty() && ms - sentAtMs.peek() >= baseLatencyMs) {
        window.completed(ms - sentAtMs.poll());
        served--;
      }
      served = Math.min(served, 1);
    }
    return window.limit();
  }

  @Test
  void growsFromItsFloorToAboutTheBandwidthDelayProductAndStaysThere() {
    InFlightWindow window = new InFlightWindow(50, 20_000, nanos::get);

    int afterTen = settle(window, 4_000, 300, 10);
    int afterThirty = settle(window, 4_000, 300, 20);

    // 4,000/s × 0.3 s = 1,200 keep the pipeline busy; the gain adds half of that, no more.
    assertThat(afterTen).isBetween(1_200, 2_000);
    assertThat(afterThirty).isBetween(1_200, 2_000);
  }

  @Test
  void staysWithinItsCeilingAndFloor() {
    InFlightWindow capped = new InFlightWindow(50, 500, nanos::get);
    assertThat(settle(capped, 4_000, 300, 10)).isEqualTo(500);

    InFlightWindow idle = new InFlightWindow(50, 20_000, nanos::get);
    nanos.set(60_000_000_000L);
    assertThat(idle.limit()).isEqualTo(50);
  }

  @Test
  void aFixedWindowDoesNotAdapt() {
    InFlightWindow fixed = InFlightWindow.of(64, nanos::get);

    assertThat(settle(fixed, 4_000, 300, 5)).isEqualTo(64);
    assertThat(fixed.ceiling()).isEqualTo(64);
    assertThat(InFlightWindow.of(0, nanos::get).ceiling())
        .isEqualTo(InFlightWindow.DEFAULT_CEILING);
  }
}
