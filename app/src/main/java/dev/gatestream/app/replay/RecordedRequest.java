package dev.gatestream.app.replay;

import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.TextAnswer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request recorded on a deployment's requests topic, with the feedback recorded for it (null if
 * none). Its quality under the replayed routing is what the recorded feedback can tell: the fused
 * score when the experts answer with scores; else whether the answer matches the recorded label;
 * else the recorded rewards of the experts that answered, when the feedback has them all.
 */
public record RecordedRequest(InferenceRequest original, long originalOffsetMs, Feedback recorded)
    implements ReplayItem {

  @Override
  public String id() {
    return original.getId();
  }

  @Override
  public InferenceRequest.Builder request() {
    return InferenceRequest.newBuilder(original).setReplyTo(null);
  }

  @Override
  public double quality(FusedResult result) {
    double score = ReplayItem.scoreOf(result);
    if (!Double.isNaN(score) || recorded == null) {
      return score;
    }
    if (recorded.getLabel() != null) {
      String answer = answerOf(result);
      return answer == null
          ? 0
          : normalized(answer).equals(normalized(recorded.getLabel())) ? 1 : 0;
    }
    Map<String, Double> rewards = recorded.getExpertRewards();
    if (result.getContributors().isEmpty()
        || !rewards.keySet().containsAll(result.getContributors())) {
      return Double.NaN;
    }
    return result.getContributors().stream().mapToDouble(rewards::get).average().orElse(Double.NaN);
  }

  @Override
  public Optional<Feedback> feedback(FusedResult result, double quality, long nowMs) {
    return Optional.ofNullable(recorded)
        .map(feedback -> Feedback.newBuilder(feedback).setObservedAtMs(nowMs).build());
  }

  private static String answerOf(FusedResult result) {
    Object output = result.getOutput();
    if (output instanceof TextAnswer text) {
      return text.getText();
    }
    if (output instanceof ClassProbabilities probabilities
        && !probabilities.getLabels().isEmpty()) {
      int best = 0;
      for (int i = 1; i < probabilities.getProbabilities().size(); i++) {
        if (probabilities.getProbabilities().get(i) > probabilities.getProbabilities().get(best)) {
          best = i;
        }
      }
      return probabilities.getLabels().get(best);
    }
    return null;
  }

  private static String normalized(String text) {
    return text.strip().toLowerCase(Locale.ROOT);
  }
}
