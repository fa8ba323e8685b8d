package dev.gatestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ForegroundTest {

  @Test
  void returnsOnceTheServiceCannotGoOn() throws Exception {
    AtomicInteger ticks = new AtomicInteger();

    Optional<String> stopped =
        Foreground.run(
            () -> {},
            Duration.ofMillis(1),
            () -> ticks.get() >= 3 ? Optional.of("router stopped (ERROR)") : Optional.empty(),
            ticks::incrementAndGet);

    assertThat(stopped).contains("router stopped (ERROR)");
    assertThat(ticks).hasValue(3);
  }
}
