package dev.gatestream.policy.learning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several feedback records of one request as one: each expert's reward from the latest record that
 * has one, the latest request-level reward and the latest label. Latest by observation time, so the
 * result does not depend on the order the records arrive or are read in; records observed at the
 * same time count in the order given. A non-finite reward is no reward: it never replaces a finite
 * one, so one broken record cannot erase what an earlier one said, but it is kept where nothing
 * finite was said, for {@link Rewards} to reject and count. The Flink join and {@code gatestream
 * evaluate} both merge with this.
 */
public final class FeedbackMerge {

  private FeedbackMerge() {}

  /**
   * @param records one request's feedback, at least one record
   */
  public static FeedbackEvent merge(List<FeedbackEvent> records) {
    // A pairwise merge would lose which record a field came from, and with it the order
    // independence.
    List<FeedbackEvent> byTime = new ArrayList<>(records);
    byTime.sort(Comparator.comparingLong(FeedbackEvent::observedAtMs));
    Map<String, Double> rewards = new LinkedHashMap<>();
    double reward = Double.NaN;
    String label = null;
    for (FeedbackEvent record : byTime) {
      for (int i = 0; i < record.rewardExperts().length; i++) {
        rewards.merge(record.rewardExperts()[i], record.rewardValues()[i], FeedbackMerge::later);
      }
      // NaN is a request without reward; an infinite one is kept only as a reward to reject.
      reward = Double.isNaN(record.reward()) ? reward : later(reward, record.reward());
      label = record.label() == null ? label : record.label();
    }
    FeedbackEvent latest = byTime.get(byTime.size() - 1);
    return new FeedbackEvent(
        latest.requestId(),
        reward,
        label,
        rewards.keySet().toArray(new String[0]),
        rewards.values().stream().mapToDouble(Double::doubleValue).toArray(),
        latest.observedAtMs());
  }

  private static double later(double earlier, double later) {
    return Double.isFinite(later) || !Double.isFinite(earlier) ? later : earlier;
  }
}
