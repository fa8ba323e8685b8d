package dev.gatestream.app.inspect;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the records of the topics a request passes through and turns each into its {@link Event}.
 */
final class EventDecoder {

  /** How many classes a classifier's answer shows, likeliest first. */
  private static final int CLASSES_SHOWN = 3;

  private final Topics topics;
  private final Map<TopicRole, Deserializer<? extends SpecificRecord>> values =
      new LinkedHashMap<>();

  EventDecoder(Topics topics, GatestreamSerdes serdes) {
    this.topics = topics;
    values.put(TopicRole.REQUESTS, serdes.valueSerde(topics.requests()).deserializer());
    values.put(TopicRole.DECISIONS, serdes.valueSerde(topics.decisions()).deserializer());
    values.put(TopicRole.TASKS, serdes.avro(ExpertTask.class, false).deserializer());
    values.put(TopicRole.RESULTS, serdes.valueSerde(topics.expertResults()).deserializer());
    values.put(TopicRole.FUSED, serdes.valueSerde(topics.fusedResults()).deserializer());
    values.put(TopicRole.REPLIES, serdes.valueSerde(topics.fusedResults()).deserializer());
    values.put(TopicRole.FEEDBACK, serdes.valueSerde(topics.feedback()).deserializer());
  }

  /**
   * The record's value as its topic's type.
   *
   * @throws RuntimeException with the reason when it cannot be read
   */
  SpecificRecord value(TopicRole role, ConsumerRecord<byte[], byte[]> record) {
    Deserializer<? extends SpecificRecord> deserializer = values.get(role);
    if (deserializer == null) {
      throw new IllegalArgumentException("the " + role + " topic holds no records of one type");
    }
    return deserializer.deserialize(record.topic(), record.headers(), record.value());
  }

  /** The record a dead letter carries, read as the type of the topic it came from, if it can be. */
  Optional<SpecificRecord> original(ConsumerRecord<byte[], byte[]> deadLetter) {
    String source = header(deadLetter, GatestreamHeaders.DLQ_SOURCE_TOPIC);
    Optional<TopicRole> role = source == null ? Optional.empty() : roleOf(source);
    if (role.isEmpty() || deadLetter.value() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          values.get(role.get()).deserialize(source, deadLetter.headers(), deadLetter.value()));
    } catch (RuntimeException e) {
      return Optional.empty(); // the very bytes that could not be read: nothing to tell by value
    }
  }

  /** The request id in a value of any of the request's topics. */
  static String requestIdOf(SpecificRecord value) {
    if (value instanceof InferenceRequest request) {
      return request.getId();
    } else if (value instanceof RoutingDecision decision) {
      return decision.getRequestId();
    } else if (value instanceof ExpertTask task) {
      return task.getRequestId();
    } else if (value instanceof ExpertResult result) {
      return result.getRequestId();
    } else if (value instanceof FusedResult fused) {
      return fused.getRequestId();
    } else if (value instanceof Feedback feedback) {
      return feedback.getRequestId();
    }
    throw new IllegalArgumentException(
        "not a record of a request's topics: " + value.getClass().getName());
  }

  /** The event a readable record of a data topic stands for. */
  Event event(TopicRole role, ConsumerRecord<byte[], byte[]> record, SpecificRecord value) {
    Event.RecordAt at = at(record);
    return switch (role) {
      case REQUESTS -> request(at, (InferenceRequest) value);
      case DECISIONS -> decision(at, (RoutingDecision) value);
      case TASKS -> {
        ExpertTask task = (ExpertTask) value;
        yield new Event.Task(
            at,
            task.getExpert(),
            task.getGateWeight(),
            task.getPolicyVersion(),
            task.getIssuedAtMs());
      }
      case RESULTS -> {
        ExpertResult result = (ExpertResult) value;
        yield new Event.Result(
            at,
            result.getExpert(),
            result.getStatus().name(),
            result.getLatencyMs(),
            result.getCost(),
            result.getErrorMessage(),
            answer(result.getOutput()),
            result.getCompletedAtMs());
      }
      case FUSED, REPLIES -> fused(at, role == TopicRole.REPLIES, (FusedResult) value);
      case FEEDBACK -> {
        Feedback feedback = (Feedback) value;
        yield new Event.Feedback(
            at,
            feedback.getReward(),
            feedback.getLabel(),
            Map.copyOf(feedback.getExpertRewards()),
            feedback.getObservedAtMs());
      }
      case DEAD_LETTERS ->
          throw new IllegalArgumentException("dead letters are read by deadLetter()");
    };
  }

  /** A dead letter, from the headers the stage that wrote it set. */
  Event.DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, boolean matchedByValue) {
    Long deadLetteredAt = parseLong(header(record, GatestreamHeaders.DLQ_TIMESTAMP));
    return new Event.DeadLetter(
        at(record),
        header(record, GatestreamHeaders.DLQ_STAGE),
        header(record, GatestreamHeaders.DLQ_REASON),
        header(record, GatestreamHeaders.DLQ_SOURCE_TOPIC),
        parseInt(header(record, GatestreamHeaders.DLQ_SOURCE_PARTITION)),
        parseLong(header(record, GatestreamHeaders.DLQ_SOURCE_OFFSET)),
        deadLetteredAt == null ? 0 : deadLetteredAt,
        matchedByValue);
  }

  static Event.RecordAt at(ConsumerRecord<?, ?> record) {
    return new Event.RecordAt(
        record.topic(), record.partition(), record.offset(), record.timestamp());
  }

  private Optional<TopicRole> roleOf(String topic) {
    if (topic.equals(topics.requests().name())) {
      return Optional.of(TopicRole.REQUESTS);
    } else if (topic.equals(topics.decisions().name())) {
      return Optional.of(TopicRole.DECISIONS);
    } else if (topic.equals(topics.expertResults().name())) {
      return Optional.of(TopicRole.RESULTS);
    } else if (topic.equals(topics.fusedResults().name())) {
      return Optional.of(TopicRole.FUSED);
    } else if (topic.equals(topics.feedback().name())) {
      return Optional.of(TopicRole.FEEDBACK);
    }
    return topics.expertOfTaskTopic(topic).map(expert -> TopicRole.TASKS);
  }

  private static Event.Request request(Event.RecordAt at, InferenceRequest request) {
    return new Event.Request(
        at,
        request.getId(),
        request.getCreatedAtMs(),
        request.getTask(),
        request.getText(),
        request.getFeatures() == null ? 0 : request.getFeatures().size(),
        Map.copyOf(request.getAttributes()),
        request.getDeadlineMs(),
        request.getCostBudget(),
        request.getReplyTo());
  }

  private static Event.Decision decision(Event.RecordAt at, RoutingDecision decision) {
    List<Event.Chosen> chosen = new ArrayList<>();
    for (ChosenExpert expert : decision.getChosen()) {
      chosen.add(
          new Event.Chosen(expert.getExpert(), expert.getGateWeight(), expert.getPropensity()));
    }
    Map<String, Double> candidates = Map.copyOf(decision.getCandidatePropensities());
    return new Event.Decision(
        at,
        decision.getPolicy(),
        decision.getPolicyVersion(),
        List.copyOf(chosen),
        candidates,
        decision.getFeaturizer(),
        decision.getFeatures() == null ? 0 : decision.getFeatures().size(),
        explored(chosen, candidates),
        decision.getDecidedAtMs());
  }

  /**
   * Whether an expert left out was more likely to be chosen than one chosen: the choice was a draw
   * against the policy's odds. Null when the decision logged no candidate propensities.
   */
  static Boolean explored(List<Event.Chosen> chosen, Map<String, Double> candidatePropensities) {
    if (candidatePropensities.isEmpty() || chosen.isEmpty()) {
      return null;
    }
    double leastChosen =
        chosen.stream()
            .mapToDouble(c -> candidatePropensities.getOrDefault(c.expert(), c.propensity()))
            .min()
            .orElseThrow();
    List<String> names = chosen.stream().map(Event.Chosen::expert).toList();
    double likeliestLeftOut =
        candidatePropensities.entrySet().stream()
            .filter(e -> !names.contains(e.getKey()))
            .mapToDouble(Map.Entry::getValue)
            .max()
            .orElse(0);
    // Propensities are computed in floating point: equal odds must not read as a draw against them.
    return likeliestLeftOut > leastChosen + 1e-9;
  }

  private static Event.Fused fused(Event.RecordAt at, boolean reply, FusedResult fused) {
    return new Event.Fused(
        at,
        reply,
        fused.getStrategy(),
        fused.getCompleteness().name(),
        List.copyOf(fused.getExpected()),
        List.copyOf(fused.getContributors()),
        Map.copyOf(fused.getExpertErrors()),
        fused.getTotalCost(),
        fused.getLatencyMs(),
        fused.getPolicyVersion(),
        answer(fused.getOutput()),
        fused.getEmittedAtMs());
  }

  /** An output in short: the text, the likeliest classes with their probabilities, or the score. */
  static String answer(Object output) {
    if (output instanceof TextAnswer text) {
      return text.getText();
    } else if (output instanceof Score score) {
      return String.format(Locale.ROOT, "%.4g", score.getValue());
    } else if (output instanceof ClassProbabilities classes) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0;
          i < Math.min(classes.getLabels().size(), classes.getProbabilities().size());
          i++) {
        order.add(i);
      }
      order.sort(Comparator.comparingDouble(i -> -classes.getProbabilities().get(i)));
      List<String> shown = new ArrayList<>();
      for (int i : order.subList(0, Math.min(CLASSES_SHOWN, order.size()))) {
        shown.add(
            String.format(
                Locale.ROOT,
                "%s %.2f",
                classes.getLabels().get(i),
                classes.getProbabilities().get(i)));
      }
      return String.join(", ", shown);
    }
    return null;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static Integer parseInt(String text) {
    try {
      return text == null ? null : Integer.valueOf(text.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Long parseLong(String text) {
    try {
      return text == null ? null : Long.valueOf(text.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
