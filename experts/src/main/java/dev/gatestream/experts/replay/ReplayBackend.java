package dev.gatestream.experts.replay;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings.ReplayAnswer;
import dev.gatestream.experts.ExpertBackend;
import dev.gatestream.experts.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * An expert that answers what the routing log says it answered: its logged quality as a Score, or
 * its logged response text; with the logged cost, latency and confidence when the log has them (the
 * confidence only from its own column, never from the quality). It can also really take (a fraction
 * of) the logged latency, so that replays show realistic timing.
 *
 * <p>A request answers from the logged row of its id, or of the id and log its attributes name: a
 * replay that sends the same logged id twice (the same log twice, or train and test splits sharing
 * ids) gives each request an id of its own and names the row it replays.
 */
public final class ReplayBackend implements ExpertBackend {

  /** Request attribute: the log (its path) whose row the request replays. */
  public static final String LOG_ATTRIBUTE = "replay.log";

  /**
   * Request attribute: the logged id of the row the request replays, when it differs from the
   * request's.
   */
  public static final String ID_ATTRIBUTE = "replay.id";

  private final String expert;
  private final ReplayLog log;
  private final ReplayAnswer answer;
  private final double latencyScale;

  /**
   * @param latencyScale how long to really wait, as a fraction of the logged latency; 0 = no wait
   * @throws IllegalArgumentException when the log lacks the expert or the column answered from
   */
  public ReplayBackend(String expert, ReplayLog log, ReplayAnswer answer, double latencyScale) {
    if (!log.experts().contains(expert)) {
      throw new IllegalArgumentException(
          "replay log "
              + log.source()
              + " has no expert '"
              + expert
              + "'; it has "
              + log.experts());
    }
    if (answer == ReplayAnswer.RESPONSE && !log.hasResponse(expert)) {
      throw new IllegalArgumentException(
          "replay log "
              + log.source()
              + " has no column '"
              + expert
              + WideRoutingLog.RESPONSE_SUFFIX
              + "' to answer with");
    }
    if (!(latencyScale >= 0)) {
      throw new IllegalArgumentException("latencyScale must be >= 0, got " + latencyScale);
    }
    this.expert = expert;
    this.log = log;
    this.answer = answer;
    this.latencyScale = latencyScale;
  }

  @Override
  public List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) throws BackendException {
    List<Outcome> outcomes = new ArrayList<>(tasks.size());
    long slowest = 0;
    for (ExpertTask task : tasks) {
      Outcome outcome = outcome(task);
      if (outcome instanceof Outcome.Answer a && a.latencyMs().isPresent()) {
        slowest = Math.max(slowest, a.latencyMs().getAsLong());
      }
      outcomes.add(outcome);
    }
    long wait = Math.round(slowest * latencyScale);
    if (wait > 0) {
      sleep(Math.min(wait, timeout.toMillis()));
      if (wait > timeout.toMillis()) {
        throw new BackendException(
            "timed out after " + timeout.toMillis() + " ms (replayed" + " latency " + wait + " ms)",
            true);
      }
    }
    return outcomes;
  }

  private Outcome outcome(ExpertTask task) {
    String requestId = task.getRequestId();
    Map<String, String> attributes = task.getRequest().getAttributes();
    String id = attributes.getOrDefault(ID_ATTRIBUTE, requestId);
    Optional<WideRoutingLog.Row> found = log.row(attributes.get(LOG_ATTRIBUTE), id);
    if (found.isEmpty()) {
      return Outcome.permanent(
          log.logsWith(id) > 1
              ? "request "
                  + requestId
                  + ": id '"
                  + id
                  + "' is in several replay logs and the request names none of"
                  + " them (attribute "
                  + LOG_ATTRIBUTE
                  + ")"
              : "request " + requestId + " is not in the replay log");
    }
    WideRoutingLog.Row row = found.get();
    double quality = row.quality(expert);
    if (Double.isNaN(quality)) {
      return Outcome.permanent("request " + requestId + " has no logged answer from " + expert);
    }
    Object output;
    if (answer == ReplayAnswer.RESPONSE) {
      Optional<String> response = row.response(expert);
      if (response.isEmpty()) {
        return Outcome.permanent("request " + requestId + " has no logged response from " + expert);
      }
      output = new TextAnswer(response.get());
    } else {
      output = new Score(quality);
    }
    OptionalDouble cost = row.cost(expert);
    OptionalLong latency = row.latencyMs(expert);
    return new Outcome.Answer(output, cost, latency, row.confidence(expert));
  }

  private static void sleep(long ms) throws BackendException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted", true, e);
    }
  }
}
