package dev.gatestream.app.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OutputPauseTest {

  private static TreeSet<Long> seen(Long... ms) {
    return new TreeSet<>(List.of(ms));
  }

  @Test
  void theFirstOutputAfterTheFaultAndTheLongestGapUntilTheWindowEnds() {
    OutputPause pause = OutputPause.of(seen(900L, 1000L, 1300L, 7300L, 7400L, 9000L), 1000, 8000);

    assertThat(pause.firstAfter()).contains(Duration.ofMillis(300));
    assertThat(pause.longestGap()).isEqualTo(Duration.ofMillis(6000));
  }

  @Test
  void outputThatNeverResumedPausedTheWholeWindow() {
    OutputPause pause = OutputPause.of(seen(100L, 200L), 1000, 5000);

    assertThat(pause.firstAfter()).isEqualTo(Optional.empty());
    assertThat(pause.longestGap()).isEqualTo(Duration.ofMillis(4000));
  }

  @Test
  void outputThatStoppedBeforeTheWindowEndedCountsTheTailAsAPause() {
    OutputPause pause = OutputPause.of(seen(1100L, 1200L), 1000, 4200);

    assertThat(pause.firstAfter()).contains(Duration.ofMillis(100));
    assertThat(pause.longestGap()).isEqualTo(Duration.ofMillis(3000));
  }

  @Test
  void aWindowEndingBeforeTheFaultIsAMistake() {
    assertThatThrownBy(() -> OutputPause.of(seen(), 1000, 999))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
