package dev.gatestream.app.inspect;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * One thing that happened to a request, as one record on one topic shows it. Each kind keeps the
 * facts an operator asks about first; the record's position says where to look for the rest.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Event.Request.class, name = "request"),
  @JsonSubTypes.Type(value = Event.Decision.class, name = "decision"),
  @JsonSubTypes.Type(value = Event.Task.class, name = "task"),
  @JsonSubTypes.Type(value = Event.Result.class, name = "result"),
  @JsonSubTypes.Type(value = Event.Fused.class, name = "fused"),
  @JsonSubTypes.Type(value = Event.Feedback.class, name = "feedback"),
  @JsonSubTypes.Type(value = Event.DeadLetter.class, name = "dead-letter"),
  @JsonSubTypes.Type(value = Event.Problem.class, name = "problem")
})
public sealed interface Event {

  /** Where the record is and its timestamp. */
  RecordAt at();

  /**
   * When it happened, for the timeline's order: the record's timestamp unless the kind knows
   * better.
   */
  default long timeMs() {
    return at().timestampMs();
  }

  /** The topic, partition, offset and timestamp (epoch ms) of a record. */
  record RecordAt(String topic, int partition, long offset, long timestampMs) {}

  /**
   * The request as the client produced it.
   *
   * @param deadlineMs absolute, epoch ms
   * @param featureCount how many numeric features it carried (0 for none)
   */
  record Request(
      RecordAt at,
      String id,
      long createdAtMs,
      String task,
      String text,
      int featureCount,
      Map<String, String> attributes,
      long deadlineMs,
      Double costBudget,
      String replyTo)
      implements Event {}

  /**
   * One expert the router chose, with its gate weight and the probability the policy chose it with.
   */
  record Chosen(String expert, double gateWeight, double propensity) {}

  /**
   * What the router decided and why.
   *
   * @param featurizer the feature space's name, e.g. {@code task32+hashed32+length1}
   * @param featureDimension the length of the feature vector the gate saw
   * @param explored whether the chosen experts are not the most probable ones (an exploration
   *     draw); null when the decision logged no candidate propensities to tell
   */
  record Decision(
      RecordAt at,
      String policy,
      long policyVersion,
      List<Chosen> chosen,
      Map<String, Double> candidatePropensities,
      String featurizer,
      int featureDimension,
      Boolean explored,
      long decidedAtMs)
      implements Event {}

  /** One task the router wrote to an expert's task topic. */
  record Task(RecordAt at, String expert, double gateWeight, long policyVersion, long issuedAtMs)
      implements Event {}

  /**
   * One expert's answer, or why there is none.
   *
   * @param status OK, ERROR, EXPIRED or REJECTED
   * @param answer the output in short (the text, the likeliest classes, the score), null without
   *     one
   */
  record Result(
      RecordAt at,
      String expert,
      String status,
      long latencyMs,
      double cost,
      String error,
      String answer,
      long completedAtMs)
      implements Event {}

  /**
   * The fused answer, on the fused-results topic or, for a request that named one, its reply topic.
   *
   * @param reply whether this record is the copy on the request's reply topic
   * @param latencyMs end to end, from the request's creation
   */
  record Fused(
      RecordAt at,
      boolean reply,
      String strategy,
      String completeness,
      List<String> expected,
      List<String> contributors,
      Map<String, String> expertErrors,
      double totalCost,
      long latencyMs,
      long policyVersion,
      String answer,
      long emittedAtMs)
      implements Event {}

  /** What was learned about the request afterwards. */
  record Feedback(
      RecordAt at,
      Double reward,
      String label,
      Map<String, Double> expertRewards,
      long observedAtMs)
      implements Event {}

  /**
   * A record a stage could not process, with the reason it gave.
   *
   * @param deadLetteredAtMs when the stage gave up on it, from its header; 0 when the header is
   *     missing
   * @param matchedByValue whether the id was found in the record's value rather than its key
   */
  record DeadLetter(
      RecordAt at,
      String stage,
      String reason,
      String sourceTopic,
      Integer sourcePartition,
      Long sourceOffset,
      long deadLetteredAtMs,
      boolean matchedByValue)
      implements Event {

    // A router's dead letter keeps the timestamp of the request it refuses: the header says when.
    @Override
    public long timeMs() {
      return deadLetteredAtMs > 0 ? deadLetteredAtMs : at.timestampMs();
    }
  }

  /**
   * A record keyed by the request that cannot be read as its topic's type, or that names another
   * request in its value: what a stage would have stumbled on.
   */
  record Problem(RecordAt at, String problem) implements Event {}
}
