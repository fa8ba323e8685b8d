package dev.gatestream.app.evaluate;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the logged decisions to evaluate on: from a decisions topic, joined with the chosen
 * experts' results and the feedback as the adaptation job judges them, or from a file an earlier
 * export wrote.
 */
final class LoggedDecisions {

  /**
   * How much earlier than its decision a result's or feedback's timestamp may be (producers' clocks
   * differ).
   */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /** The decisions with their rewards, and what reading them found. */
  record Read(
      List<LogEntry> entries,
      EvaluateReport.Source source,
      DecisionFeedbackJoin.Cascades cascades) {}

  private LoggedDecisions() {}

  static Read fromFile(String decisions) throws IOException {
    Path file = Path.of(decisions);
    if (!Files.isRegularFile(file)) {
      throw new UserError(
          "no such decisions file: " + file + " (or did you mean kafka:" + decisions + "?)");
    }
    List<LogEntry> entries = DecisionLines.read(file);
    return new Read(
        entries,
        new EvaluateReport.Source(
            decisions, null, null, entries.size(), 0, null, 0, entries.size()),
        // An export holds no fused results, so no escalation decisions.
        new DecisionFeedbackJoin.Cascades(0, 0, List.of(), null));
  }

  /**
   * @param results the range of the results topic, null for the configured one from shortly before
   *     the first decision
   * @param feedback the range of the feedback topic, alike
   */
  static Read fromKafka(
      Deployment deployment,
      String decisions,
      String results,
      String feedback,
      EvaluateListener listener) {
    Topics topics = Topics.from(deployment.config());
    TopicRange decisionRange = TopicRange.parse(decisions);
    KafkaClients kafka = deployment.clients();
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    long[] earliest = {Long.MAX_VALUE};
    try (RegistrySerdes serdes = deployment.registry().serdes(false)) {
      TopicRangeReader.Result read =
          TopicRangeReader.read(
              kafka,
              new StringDeserializer(),
              serdes.avro(RoutingDecision.class, false).deserializer(),
              decisionRange,
              deployment.clientTimeout(),
              record -> {
                if (record.value() != null) {
                  join.addDecision(record.value());
                  earliest[0] = Math.min(earliest[0], record.timestamp());
                }
              });
      TopicRange resultsRange = after(results, topics.expertResults().name(), earliest[0]);
      TopicRangeReader.Result resultsRead =
          TopicRangeReader.read(
              kafka,
              new StringDeserializer(),
              serdes.avro(ExpertResult.class, false).deserializer(),
              resultsRange,
              deployment.clientTimeout(),
              record -> {
                if (record.value() != null) {
                  join.addResult(record.value());
                }
              });
      TopicRange feedbackRange = after(feedback, topics.feedback().name(), earliest[0]);
      TopicRangeReader.Result feedbackRead =
          TopicRangeReader.read(
              kafka,
              new StringDeserializer(),
              serdes.avro(Feedback.class, false).deserializer(),
              feedbackRange,
              deployment.clientTimeout(),
              record -> {
                if (record.value() != null) {
                  join.addFeedback(record.value());
                }
              });
      if (join.hasCascades()) {
        // A cascade's escalation decisions are in its fused results.
        TopicRange fusedRange = after(null, topics.fusedResults().name(), earliest[0]);
        TopicRangeReader.Result fusedRead =
            TopicRangeReader.read(
                kafka,
                new StringDeserializer(),
                serdes.avro(FusedResult.class, false).deserializer(),
                fusedRange,
                deployment.clientTimeout(),
                record -> {
                  if (record.value() != null) {
                    join.addFused(record.value());
                  }
                });
        tellUnreadable("fused results", fusedRead, listener);
      }
      DecisionFeedbackJoin.Result joined = join.result();
      String firstUnreadable =
          read.firstMalformed()
              .map(m -> m.partition() + "@" + m.offset() + ": " + m.reason())
              .orElse(joined.firstInvalid().orElse(null));
      tellUnreadable("results", resultsRead, listener);
      tellUnreadable("feedback records", feedbackRead, listener);
      return new Read(
          joined.entries(),
          new EvaluateReport.Source(
              decisionRange.toString(),
              resultsRange.toString(),
              feedbackRange.toString(),
              (int) (read.records() + read.malformed()),
              (int) read.malformed() + joined.invalid(),
              firstUnreadable,
              joined.duplicates(),
              joined.withFeedback()),
          joined.cascades());
    }
  }

  /** The given range, else the whole topic as of the first decision read, less the clock skew. */
  private static TopicRange after(String given, String topic, long firstDecisionMs) {
    if (given != null) {
      return TopicRange.parse(given);
    }
    return firstDecisionMs == Long.MAX_VALUE
        ? TopicRange.whole(topic)
        : TopicRange.since(topic, Instant.ofEpochMilli(firstDecisionMs).minus(CLOCK_SKEW));
  }

  private static void tellUnreadable(
      String what, TopicRangeReader.Result read, EvaluateListener listener) {
    read.firstMalformed()
        .ifPresent(
            first ->
                listener.unreadableSkipped(
                    new EvaluateListener.UnreadableSkipped(
                        what, read.malformed(), first.partition(), first.offset())));
  }
}
