package dev.gatestream.app.replay;

import java.time.Duration;

/**
 * How a log is replayed.
 *
 * @param ratePerSecond requests per second; 0 for as fast as the window allows
 * @param originalTiming send each request at its original time relative to the first (the window
 *     still bounds what is in flight)
 * @param speedup divides the original gaps between requests
 * @param window most requests in flight (sent, no fused result yet); 0 = sized from the pipeline's
 *     throughput and latency, so the replay runs as fast as the pipeline
 * @param deadline each request's deadline, from its sending
 * @param feedbackDelay how long after a request's fused result its feedback is produced
 * @param feedbackLoss fraction of requests whose feedback never comes
 * @param seed of the feedback loss draws
 * @param maxLearningLag hold new requests while the published weights have learned this many fewer
 *     examples than the feedback produced (0 = never hold; 100 by default): online learning on
 *     weights staler than that is not what a deployment at the same traffic, with its learner
 *     keeping up, would see. The report says how stale the weights were either way.
 */
public record ReplayOptions(
    int ratePerSecond,
    boolean originalTiming,
    double speedup,
    int window,
    Duration deadline,
    Duration feedbackDelay,
    double feedbackLoss,
    long seed,
    int maxLearningLag) {

  /** Sized from the pipeline. */
  public static final int DEFAULT_WINDOW = 0;

  /**
   * Held only when the learner falls 100 examples behind: weights now publish at once, so the bound
   * costs model7 about 15% of its rows/s, and it keeps small logs with many experts (bfcl-v2: 49
   * experts, 1,700 rows) from being routed on weights hundreds of examples stale.
   */
  public static final int DEFAULT_MAX_LEARNING_LAG = 100;

  public static final Duration DEADLINE = Duration.ofSeconds(30);

  public ReplayOptions {
    if (ratePerSecond < 0
        || !(speedup > 0)
        || window < 0
        || feedbackLoss < 0
        || feedbackLoss > 1
        || maxLearningLag < 0) {
      throw new IllegalArgumentException(
          "rate >= 0, speedup > 0, window >= 0, 0 <= feedback loss <= 1 and"
              + " max learning lag >= 0 required");
    }
  }

  /**
   * A replay's defaults: as fast as the pipeline and its learner go, immediate and complete
   * feedback.
   */
  public static ReplayOptions defaults(long seed) {
    return new ReplayOptions(
        0, false, 1, DEFAULT_WINDOW, DEADLINE, Duration.ZERO, 0, seed, DEFAULT_MAX_LEARNING_LAG);
  }

  /** As fast as the window allows. */
  public static ReplayOptions unpaced(
      int window, Duration deadline, Duration feedbackDelay, double feedbackLoss, long seed) {
    return new ReplayOptions(0, false, 1, window, deadline, feedbackDelay, feedbackLoss, seed, 0);
  }

  /**
   * At a fixed pace (0: as fast as the window allows), with immediate and complete feedback and no
   * bound on the learner's lag: the fault and scale-out runs' traffic.
   */
  public static ReplayOptions paced(int ratePerSecond, int window, Duration deadline, long seed) {
    return new ReplayOptions(ratePerSecond, false, 1, window, deadline, Duration.ZERO, 0, seed, 0);
  }
}
