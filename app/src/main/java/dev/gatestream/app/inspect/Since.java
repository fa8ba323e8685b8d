package dev.gatestream.app.inspect;

import dev.gatestream.app.UserError;
import dev.gatestream.app.source.TopicRange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an inspection's reads begin: an ISO-8601 time, as topic ranges take it, or a span back from
 * now.
 */
public final class Since {

  private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
  private static final Map<String, ChronoUnit> UNITS =
      Map.of(
          "ms",
          ChronoUnit.MILLIS,
          "s",
          ChronoUnit.SECONDS,
          "m",
          ChronoUnit.MINUTES,
          "h",
          ChronoUnit.HOURS,
          "d",
          ChronoUnit.DAYS);

  private Since() {}

  /**
   * @param text {@code 2026-11-25T08:00:00Z} (a date-time or date without zone is UTC), or {@code
   *     15m}, {@code 2h}, {@code 1d}, {@code 30s}, {@code 500ms} before now
   * @throws UserError naming the accepted forms when the text is neither
   */
  public static Instant parse(String text, Clock clock) {
    String value = text == null ? "" : text.strip();
    Matcher ago = AGO.matcher(value);
    if (ago.matches()) {
      // Record timestamps are milliseconds: so is the start of the read.
      return clock
          .instant()
          .truncatedTo(ChronoUnit.MILLIS)
          .minus(Duration.of(Long.parseLong(ago.group(1)), UNITS.get(ago.group(2))));
    }
    return TopicRange.instant(value)
        .orElseThrow(
            () ->
                new UserError(
                    "'"
                        + value
                        + "' is neither an ISO-8601"
                        + " time like 2026-11-25T08:00:00Z nor a span back from now like 15m, 2h or 1d"));
  }
}
