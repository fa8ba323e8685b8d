package dev.gatestream.experts;

import java.util.function.LongSupplier;

/**
 * One expert's circuit breaker: after {@code failureThreshold} consecutive failed calls it opens
 * and calls fail fast; after {@code openMs} it lets one probe call through (half-open), whose
 * success closes it again and whose failure reopens it. Thread-safe.
 */
public final class CircuitBreaker {

  /** The breaker's state, as {@link #state()} reports it. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final ExpertSpec.CircuitBreakerSettings settings;
  private final LongSupplier clock;
  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAtMs;
  private boolean probeInFlight;
  private String lastError = "";

  /**
   * @param clock the current time in milliseconds
   */
  public CircuitBreaker(ExpertSpec.CircuitBreakerSettings settings, LongSupplier clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Whether a call may go ahead. While half-open only one probe may; a caller that got true must
   * report how the call went with {@link #onSuccess()} or {@link #onFailure(String)}.
   */
  public synchronized boolean tryAcquire() {
    if (state == State.OPEN && clock.getAsLong() - openedAtMs >= settings.openMs()) {
      state = State.HALF_OPEN;
      probeInFlight = false;
    }
    return switch (state) {
      case CLOSED -> true;
      case OPEN -> false;
      case HALF_OPEN -> {
        if (probeInFlight) {
          yield false;
        }
        probeInFlight = true;
        yield true;
      }
    };
  }

  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    probeInFlight = false;
    state = State.CLOSED;
  }

  public synchronized void onFailure(String error) {
    lastError = error;
    consecutiveFailures++;
    probeInFlight = false;
    if (state == State.HALF_OPEN || consecutiveFailures >= settings.failureThreshold()) {
      state = State.OPEN;
      openedAtMs = clock.getAsLong();
    }
  }

  public synchronized State state() {
    return state;
  }

  /** The error of the last failed call, for the "circuit open: ..." message of rejected tasks. */
  public synchronized String lastError() {
    return lastError;
  }
}
