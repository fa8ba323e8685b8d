package dev.gatestream.app.score;

import java.util.function.LongSupplier;

/**
 * How many requests a client keeps in flight so that it runs at the pipeline's own throughput: the
 * pipeline's bandwidth-delay product, as TCP's BBR sizes a congestion window. The window is {@code
 * GAIN} × the highest completion rate seen lately × the lowest latency seen so far. Below the
 * pipeline's capacity, completions grow with the window, so the window grows by about {@code GAIN}
 * per round trip; at capacity the rate stops growing and the window settles at a little more than
 * what keeps the pipeline busy, instead of queueing ever more requests. The lowest latency is kept
 * for the whole run: at capacity every request waits in a queue, so a latency measured then would
 * grow with the window, and the window with it.
 *
 * <p>A fixed window instead caps throughput at window / round trip, which with exactly-once stages
 * (a commit interval per hop) is far below what the pipeline does.
 */
public final class InFlightWindow {

  /** Headroom over the bandwidth-delay product: how fast the window grows, and its slack. */
  static final double GAIN = 1.5;

  /** Completions are counted over intervals of this length. */
  static final long INTERVAL_NANOS = 200_000_000L;

  /** The highest rate is over this many recent intervals. */
  static final int RATE_INTERVALS = 10;

  private final int floor;
  private final int ceiling;
  private final LongSupplier nanoClock;
  private final long[] rates = new long[RATE_INTERVALS];
  private int rateIndex;
  private long intervalStart;
  private long completedInInterval;
  private long lowestLatencyMs = Long.MAX_VALUE;
  private int limit;

  /**
   * @param floor the window at the start, and its least
   * @param ceiling the most it may grow to
   * @param nanoClock monotonic nanoseconds
   */
  public InFlightWindow(int floor, int ceiling, LongSupplier nanoClock) {
    if (floor < 1 || ceiling < floor) {
      throw new IllegalArgumentException(
          "need 1 <= floor <= ceiling, got " + floor + ", " + ceiling);
    }
    this.floor = floor;
    this.ceiling = ceiling;
    this.nanoClock = nanoClock;
    this.limit = floor;
    this.intervalStart = nanoClock.getAsLong();
  }

  /** The least an adaptive window starts from. */
  public static final int DEFAULT_FLOOR = 50;

  /** The most an adaptive window grows to. */
  public static final int DEFAULT_CEILING = 20_000;

  /**
   * A window of {@code size} requests that does not adapt, or an adaptive one between the defaults
   * when {@code size} is 0.
   */
  public static InFlightWindow of(int size, LongSupplier nanoClock) {
    return size == 0
        ? new InFlightWindow(DEFAULT_FLOOR, DEFAULT_CEILING, nanoClock)
        : fixed(size, nanoClock);
  }

  /** A window that does not adapt: {@code size} requests in flight at most. */
  public static InFlightWindow fixed(int size, LongSupplier nanoClock) {
    return new InFlightWindow(size, size, nanoClock);
  }

  /** The most it may grow to. */
  public int ceiling() {
    return ceiling;
  }

  /** Most requests in flight now. */
  public int limit() {
    roll();
    return limit;
  }

  /**
   * A request completed.
   *
   * @param latencyMs from its creation to its result, or a negative number when unknown (e.g.
   *     refused)
   */
  public void completed(long latencyMs) {
    roll();
    completedInInterval++;
    if (latencyMs >= 0) {
      lowestLatencyMs = Math.min(lowestLatencyMs, Math.max(1, latencyMs));
    }
  }

  /** Closes the interval when it has passed, and sizes the window anew. */
  private void roll() {
    long now = nanoClock.getAsLong();
    if (now - intervalStart < INTERVAL_NANOS) {
      return;
    }
    // Per second.
    rates[rateIndex] = completedInInterval * 1_000_000_000L / (now - intervalStart);
    rateIndex = (rateIndex + 1) % RATE_INTERVALS;
    completedInInterval = 0;
    intervalStart = now;
    if (lowestLatencyMs == Long.MAX_VALUE) {
      return;
    }
    long highestRate = 0;
    for (long rate : rates) {
      highestRate = Math.max(highestRate, rate);
    }
    double product = GAIN * highestRate * lowestLatencyMs / 1_000.0;
    limit = (int) Math.max(floor, Math.min(ceiling, Math.ceil(product)));
  }
}
