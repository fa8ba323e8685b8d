package dev.gatestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {

  private final AtomicLong nanos = new AtomicLong(1_000);
  private final ProgressWatch watch =
      new ProgressWatch(nanos::get, Duration.ofSeconds(10), Duration.ofSeconds(60));

  @Test
  void stalledOnceTheCountStoodStillForTheBound() {
    assertThat(watch.observe(5)).isTrue();
    advance(9);
    assertThat(watch.observe(5)).isFalse();
    assertThat(watch.stalled()).isFalse();
    advance(1);
    assertThat(watch.stalled()).isTrue();
    assertThat(watch.sinceGrowth()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void growthRestartsTheStallBoundButNotTheOverallOne() {
    for (int i = 1; i <= 6; i++) {
      advance(9);
      assertThat(watch.observe(i)).isTrue();
      assertThat(watch.stalled()).isFalse();
    }
    assertThat(watch.overdue()).isFalse();
    advance(6);
    assertThat(watch.observe(7)).isTrue();
    assertThat(watch.stalled()).isFalse();
    assertThat(watch.overdue()).isTrue();
  }

  private void advance(long seconds) {
    nanos.addAndGet(Duration.ofSeconds(seconds).toNanos());
  }
}
