package dev.gatestream.app.score;

import java.util.function.LongSupplier;

/**
 * How many requests a client keeps in flight so that it runs at the pipeline's own throughput,
 * sized from the latency of what comes back, as TCP Vegas sizes a congestion window. Each interval
 * compares the mean latency of the requests completed in it with the lowest interval mean seen so
 * far (the pipeline with nothing queued): while they are close, nothing waits in the pipeline's
 * queues and a larger window would go faster, so it grows by {@code GROWTH}; once the latency is
 * {@code SHRINK_ABOVE} times the lowest, requests mostly wait, so it shrinks by {@code SHRINK}; in
 * between it holds. At capacity it settles where a little is queued: enough to keep every stage
 * busy, not so much that requests wait long (or, replaying with learning, are routed on staler
 * weights than they need be).
 *
 * <p>Latency, not a bandwidth-delay product of rate × lowest latency: a pipeline slower than the
 * first window queues from the start, every latency seen includes the queue, and such a product
 * would grow the window, and the queue, without end.
 *
 * <p>A fixed window instead caps throughput at window / round trip, which with exactly-once stages
 * (a commit interval per hop) is far below what the pipeline does.
 */
public final class InFlightWindow {

  /** The least an adaptive window has, and where it starts. */
  public static final int DEFAULT_FLOOR = 50;

  /** The most an adaptive window grows to. */
  public static final int DEFAULT_CEILING = 20_000;

  static final double GROWTH = 1.25;
  static final double GROW_BELOW = 1.25;
  static final double SHRINK = 0.8;
  static final double SHRINK_ABOVE = 2.0;

  /** Latency is averaged over intervals of this length. */
  static final long INTERVAL_NANOS = 500_000_000L;

  private final int floor;
  private final int ceiling;
  private final LongSupplier nanoClock;
  private long intervalStart;
  private long latencySumMs;
  private long completed;
  private double lowestMeanLatencyMs = Double.MAX_VALUE;
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

  /**
   * A window of {@code size} requests that does not adapt, or an adaptive one between the defaults
   * when {@code size} is 0.
   */
  public static InFlightWindow of(int size, LongSupplier nanoClock) {
    return size == 0
        ? new InFlightWindow(DEFAULT_FLOOR, DEFAULT_CEILING, nanoClock)
        : new InFlightWindow(size, size, nanoClock);
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
   *     refused): not counted
   */
  public void completed(long latencyMs) {
    roll();
    if (latencyMs >= 0) {
      latencySumMs += latencyMs;
      completed++;
    }
  }

  /** Closes the interval when it has passed, and sizes the window anew. */
  private void roll() {
    long now = nanoClock.getAsLong();
    if (now - intervalStart < INTERVAL_NANOS) {
      return;
    }
    intervalStart = now;
    if (completed == 0) {
      return; // nothing learned of the pipeline: hold
    }
    double mean = Math.max(1, (double) latencySumMs / completed);
    latencySumMs = 0;
    completed = 0;
    lowestMeanLatencyMs = Math.min(lowestMeanLatencyMs, mean);
    double queued = mean / lowestMeanLatencyMs;
    if (queued < GROW_BELOW) {
      limit = (int) Math.min(ceiling, Math.ceil(limit * GROWTH));
    } else if (queued > SHRINK_ABOVE) {
      limit = (int) Math.max(floor, Math.floor(limit * SHRINK));
    }
  }
}
