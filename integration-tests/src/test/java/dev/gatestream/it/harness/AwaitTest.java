package dev.gatestream.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsTheValueOnceThere() {
    AtomicInteger calls = new AtomicInteger();

    String value =
        Await.until(
            "third call",
            Duration.ofSeconds(5),
            () -> calls.incrementAndGet() >= 3 ? Optional.of("done") : Optional.empty());

    assertThat(value).isEqualTo("done");
    assertThat(calls).hasValue(3);
  }

  @Test
  void exceptionsMeanNotYet() {
    AtomicInteger calls = new AtomicInteger();

    Await.untilTrue(
        "no more exceptions",
        Duration.ofSeconds(5),
        () -> {
          if (calls.incrementAndGet() < 2) {
            throw new IOException("not yet");
          }
          return true;
        });

    assertThat(calls).hasValue(2);
  }

  @Test
  void timeoutNamesWhatWasAwaitedAndTheLastError() {
    long t0 = System.nanoTime();

    assertThatThrownBy(
            () ->
                Await.untilTrue(
                    "the impossible",
                    Duration.ofMillis(300),
                    () -> {
                      throw new IllegalStateException("broker says no");
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("timed out after 300ms waiting for the impossible")
        .hasMessageContaining("broker says no")
        .hasCauseInstanceOf(IllegalStateException.class);

    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
  }

  @Test
  void falseUntilTimeout() {
    assertThatThrownBy(() -> Await.untilTrue("never", Duration.ofMillis(50), () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("timed out after 50ms waiting for never (");
  }
}
