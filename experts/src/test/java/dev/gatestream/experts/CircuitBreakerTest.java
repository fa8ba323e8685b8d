package dev.gatestream.experts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.experts.CircuitBreaker.State;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final CircuitBreaker breaker =
      new CircuitBreaker(new ExpertSpec.CircuitBreakerSettings(3, 500), now::get);

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isTrue();
      breaker.onFailure("HTTP 503 #" + i);
    }
  }

  @Test
  void opensAfterTheThresholdOfConsecutiveFailures() {
    fail(2);
    assertThat(breaker.state()).isEqualTo(State.CLOSED);

    fail(1);

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.tryAcquire()).isFalse();
    assertThat(breaker.lastError()).isEqualTo("HTTP 503 #0");
  }

  @Test
  void aSuccessResetsTheCount() {
    fail(2);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
    fail(2);

    assertThat(breaker.state()).isEqualTo(State.CLOSED);
  }

  @Test
  void letsOneProbeThroughAfterTheOpenTimeAndClosesWhenItSucceeds() {
    fail(3);
    now.addAndGet(499);
    assertThat(breaker.tryAcquire()).isFalse();

    now.addAndGet(1);

    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    assertThat(breaker.tryAcquire()).as("a second probe while the first is out").isFalse();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(State.CLOSED);
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aFailedProbeReopensForAnotherOpenTime() {
    fail(3);
    now.addAndGet(500);
    assertThat(breaker.tryAcquire()).isTrue();

    breaker.onFailure("still down");

    assertThat(breaker.state()).isEqualTo(State.OPEN);
    assertThat(breaker.lastError()).isEqualTo("still down");
    now.addAndGet(499);
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(1);
    assertThat(breaker.tryAcquire()).isTrue();
  }
}
