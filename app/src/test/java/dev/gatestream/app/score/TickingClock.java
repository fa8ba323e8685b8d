package dev.gatestream.app.score;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves on {@code tickMillis} each time it is read: time passes as the code works, the
 * same on every run.
 */
final class TickingClock extends Clock {

  private final long tickMillis;
  private long millis = 1_700_000_000_000L;

  TickingClock(long tickMillis) {
    this.tickMillis = tickMillis;
  }

  @Override
  public synchronized long millis() {
    millis += tickMillis;
    return millis;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
