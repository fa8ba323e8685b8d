package dev.gatestream.policy.learning;

/**
 * What the adaptation job needs of a Feedback record.
 *
 * @param reward the request-level reward, NaN when absent
 * @param label the reference answer, null when absent
 * @param rewardExperts experts with a known reward, same order as rewardValues
 */
public record FeedbackEvent(
    String requestId,
    double reward,
    String label,
    String[] rewardExperts,
    double[] rewardValues,
    long observedAtMs) {

  /** This expert's own reward, NaN when the feedback has none. */
  public double rewardOf(String expert) {
    for (int i = 0; i < rewardExperts.length; i++) {
      if (rewardExperts[i].equals(expert)) {
        return rewardValues[i];
      }
    }
    return Double.NaN;
  }
}
