package dev.gatestream.app.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.UserError;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SinceTest {

  private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"), ZoneOffset.UTC);

  @Test
  void aSpanCountsBackFromNow() {
    assertThat(Since.parse("15m", clock)).isEqualTo(Instant.parse("2026-11-25T07:45:00Z"));
    assertThat(Since.parse("2h", clock)).isEqualTo(Instant.parse("2026-11-25T06:00:00Z"));
    assertThat(Since.parse("1d", clock)).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
    assertThat(Since.parse("500ms", clock)).isEqualTo(Instant.parse("2026-11-25T07:59:59.500Z"));
  }

  @Test
  void aSpanStartsAtAWholeMillisecond() {
    Clock fine = Clock.fixed(Instant.parse("2026-11-25T08:00:00.123456789Z"), ZoneOffset.UTC);

    assertThat(Since.parse("1m", fine)).isEqualTo(Instant.parse("2026-11-25T07:59:00.123Z"));
  }

  @Test
  void aTimeIsTakenAsTopicRangesTakeIt() {
    assertThat(Since.parse("2026-11-25T07:00:00Z", clock))
        .isEqualTo(Instant.parse("2026-11-25T07:00:00Z"));
    assertThat(Since.parse("2026-11-25T07:00:00+01:00", clock))
        .isEqualTo(Instant.parse("2026-11-25T06:00:00Z"));
    assertThat(Since.parse("2026-11-25", clock)).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
  }

  @Test
  void anythingElseIsOneLineNamingTheForms() {
    assertThatThrownBy(() -> Since.parse("yesterday", clock))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "'yesterday' is neither an ISO-8601 time like 2026-11-25T08:00:00Z nor a span back from now"
                + " like 15m, 2h or 1d");
    assertThatThrownBy(() -> Since.parse("-5m", clock)).isInstanceOf(UserError.class);
  }
}
