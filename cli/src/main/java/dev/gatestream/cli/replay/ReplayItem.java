package dev.gatestream.cli.replay;

import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One request to replay, and what is known of its outcomes. */
public interface ReplayItem {

  String id();

  /** The request to send, but for its creation time and deadline, which the replay sets. */
  InferenceRequest.Builder request();

  /** When it originally came, milliseconds after the first request of its segment; 0 when unknown. */
  long originalOffsetMs();

  /** The quality of the fused result, NaN when nothing tells. */
  double quality(FusedResult result);

  /** The feedback the replay produces for it once its fused result is in, if any. */
  Optional<Feedback> feedback(FusedResult result, double quality, long nowMs);

  /** A replay expert's answer is its logged quality, so a fused score is the fused quality. */
  static double scoreOf(FusedResult result) {
    return result.getOutput() instanceof Score score ? score.getValue() : Double.NaN;
  }

  /** A row of a wide routing log: every expert's logged outcome is known. */
  static ReplayItem of(Row row) {
    return new ReplayItem() {
      @Override
      public String id() {
        return row.id();
      }

      @Override
      public InferenceRequest.Builder request() {
        return InferenceRequest.newBuilder().setId(row.id()).setTask(row.task()).setText(row.prompt());
      }

      @Override
      public long originalOffsetMs() {
        return 0;
      }

      @Override
      public double quality(FusedResult result) {
        double score = scoreOf(result);
        return Double.isNaN(score) ? 0 : score; // a replay expert that did not answer scored nothing
      }

      @Override
      public Optional<Feedback> feedback(FusedResult result, double quality, long nowMs) {
        Map<String, Double> rewards = new LinkedHashMap<>();
        for (String expert : result.getExpected()) {
          double logged = row.quality(expert);
          if (!Double.isNaN(logged)) {
            rewards.put(expert, logged); // only what the chosen experts did is observable
          }
        }
        return Optional.of(Feedback.newBuilder().setRequestId(row.id()).setReward(quality)
            .setExpertRewards(rewards).setObservedAtMs(nowMs).build());
      }
    };
  }
}
