package dev.gatestream.app.score;

import dev.gatestream.gateway.client.Outcome;
import java.io.IOException;
import java.util.List;

/**
 * Writes what became of each request: its row with the fused result, or to the rejects with why
 * not.
 */
final class ResultCollector {

  private final ScoreOutputs outputs;
  private final InFlightWindow window;

  /**
   * @param window told of each request the pipeline answered or refused
   */
  ResultCollector(ScoreOutputs outputs, InFlightWindow window) {
    this.outputs = outputs;
    this.window = window;
  }

  /**
   * @return how many of the outcomes came from the pipeline, as results or refusals
   */
  int collect(List<Outcome<ScoreRow>> outcomes) throws IOException {
    int arrived = 0;
    for (Outcome<ScoreRow> outcome : outcomes) {
      ScoreRow row = outcome.tag();
      if (outcome instanceof Outcome.Answered<ScoreRow> answered) {
        outputs.scored(row, answered.result());
        window.completed(answered.result().getLatencyMs());
        arrived++;
      } else if (outcome instanceof Outcome.Refused<ScoreRow> refused) {
        outputs.rejected(row, "refused by the " + refused.stage() + ": " + refused.reason());
        window.completed(-1);
        arrived++;
      } else if (outcome instanceof Outcome.Unreadable<ScoreRow> unreadable) {
        outputs.rejected(row, "cannot read its fused result: " + unreadable.error().getMessage());
        window.completed(-1);
        arrived++;
      } else if (outcome instanceof Outcome.NotSent<ScoreRow> notSent) {
        outputs.rejected(row, "cannot produce the request: " + notSent.error().getMessage());
      } else if (outcome instanceof Outcome.TimedOut) {
        outputs.rejected(row, "no fused result by the deadline + fusion grace");
      }
    }
    return arrived;
  }
}
