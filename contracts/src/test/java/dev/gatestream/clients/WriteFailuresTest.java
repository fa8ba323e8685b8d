package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteFailuresTest {

  @Test
  void aFailureIsTakenOnceByTopicAndKey() {
    WriteFailures failures = new WriteFailures();
    failures.note("t-decisions", "r1".getBytes(StandardCharsets.UTF_8), "too large");

    assertThat(failures.take("t-other", "r1")).isEmpty();
    assertThat(failures.take("t-decisions", "r2")).isEmpty();
    assertThat(failures.take("t-decisions", "r1")).contains("too large");
    assertThat(failures.take("t-decisions", "r1")).isEmpty();
  }

  @Test
  void theOldestAreForgottenPastTheCapacity() {
    WriteFailures failures = new WriteFailures();
    for (int i = 0; i <= 10_000; i++) {
      failures.note("t", ("r" + i).getBytes(StandardCharsets.UTF_8), "x");
    }
    assertThat(failures.take("t", "r0")).isEmpty();
    assertThat(failures.take("t", "r1")).isPresent();
    assertThat(failures.take("t", "r10000")).isPresent();
  }

  @Test
  void foundInTheConfigsOnlyWhenTheyCarryOne() {
    WriteFailures failures = new WriteFailures();
    assertThat(WriteFailures.in(Map.of(WriteFailures.CONFIG, failures))).containsSame(failures);
    assertThat(WriteFailures.in(Map.of(WriteFailures.CONFIG, "text"))).isEmpty();
    assertThat(WriteFailures.in(Map.of())).isEmpty();
  }
}
