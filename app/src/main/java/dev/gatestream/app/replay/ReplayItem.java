package dev.gatestream.app.replay;

import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.Score;
import dev.gatestream.experts.replay.ReplayBackend;
import dev.gatestream.experts.replay.WideRoutingLog.Row;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** One request to replay, and what is known of its outcomes. */
public interface ReplayItem {

  /** The label of replayed feedback: a replay expert's score is its quality, 1 the best. */
  String PERFECT_SCORE = "1";

  String id();

  /** The request to send, but for its creation time and deadline, which the replay sets. */
  InferenceRequest.Builder request();

  /**
   * When it originally came, milliseconds after the first request of its segment; 0 when unknown.
   */
  long originalOffsetMs();

  /** The quality of the fused result, NaN when nothing tells. */
  double quality(FusedResult result);

  /** The feedback the replay produces for it once its fused result is in, if any. */
  Optional<Feedback> feedback(FusedResult result, double quality, long nowMs);

  /** A replay expert's answer is its logged quality, so a fused score is the fused quality. */
  static double scoreOf(FusedResult result) {
    return result.getOutput() instanceof Score score ? score.getValue() : Double.NaN;
  }

  /**
   * A row of a wide routing log, sent under its logged id: every expert's logged outcome is known.
   */
  static ReplayItem of(Row row) {
    return of(row, row.id(), null);
  }

  /**
   * A row of a wide routing log sent under an id of its own, naming the row for the replay experts,
   * so that a run may replay rows of several logs that share ids.
   *
   * @param log the path of the row's log, as the replay experts read it; null to name only the
   *     logged id
   */
  static ReplayItem of(Row row, String requestId, String log) {
    Map<String, String> replays = new LinkedHashMap<>();
    replays.put(ReplayBackend.ID_ATTRIBUTE, row.id());
    if (log != null) {
      replays.put(ReplayBackend.LOG_ATTRIBUTE, log);
    }
    return new ReplayItem() {
      @Override
      public String id() {
        return requestId;
      }

      @Override
      public InferenceRequest.Builder request() {
        return InferenceRequest.newBuilder()
            .setId(requestId)
            .setTask(row.task())
            .setText(row.prompt())
            .setAttributes(replays);
      }

      @Override
      public long originalOffsetMs() {
        return 0;
      }

      @Override
      public double quality(FusedResult result) {
        double score = scoreOf(result);
        return Double.isNaN(score)
            ? 0
            : score; // a replay expert that did not answer scored nothing
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
        // A replay expert answers its logged quality as a score: judged against the perfect score
        // 1, an expert that ran unchosen (a shadow) earns its logged quality too.
        return Optional.of(
            Feedback.newBuilder()
                .setRequestId(requestId)
                .setReward(quality)
                .setLabel(PERFECT_SCORE)
                .setExpertRewards(rewards)
                .setObservedAtMs(nowMs)
                .build());
      }
    };
  }
}
