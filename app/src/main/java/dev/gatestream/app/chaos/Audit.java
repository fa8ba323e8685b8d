package dev.gatestream.app.chaos;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a chaos run's pipeline wrote, as a {@code read_committed} reader sees it (the client
 * factory's consumers read committed): every fused result, decision, expert result, feedback
 * record, dead letter and weights snapshot of the run's topics, from their beginning. Also when
 * each stage's output was seen arriving, which tells when a restarted stage processes again.
 */
final class Audit implements AutoCloseable {

  static final String ROUTER = "router";
  static final String FUSION = "fusion";
  static final String ADAPTATION = "adaptation";

  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  private static final Duration POLL = Duration.ofMillis(50);

  private final Topics topics;
  private final String policy;
  private final Clock clock;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Deserializer<FusedResult> fused;
  private final Deserializer<RoutingDecision> decisions;
  private final Deserializer<ExpertResult> results;
  private final Deserializer<RoutingWeights> weights;
  private final Thread reader;
  private volatile boolean closed;
  private volatile RuntimeException failure;

  // Guarded by this.
  private final Map<String, Integer> fusedTimes = new HashMap<>();
  private final Map<String, FusedResult> firstFused = new HashMap<>();
  private final Map<String, Long> deadlines = new HashMap<>();
  private final Map<String, Map<String, Long>> answeredAt = new HashMap<>();
  private final Map<String, NavigableSet<Long>> outputSeen = new ConcurrentHashMap<>();
  private long feedback;
  private long deadLetters;
  private long examples;

  Audit(
      Topics topics,
      GatestreamSerdes serdes,
      KafkaClients clients,
      String runId,
      String policy,
      Clock clock) {
    this.topics = topics;
    this.policy = policy;
    this.clock = clock;
    this.fused = serdes.valueSerde(topics.fusedResults()).deserializer();
    this.decisions = serdes.valueSerde(topics.decisions()).deserializer();
    this.results = serdes.valueSerde(topics.expertResults()).deserializer();
    this.weights = serdes.valueSerde(topics.routingWeights()).deserializer();
    this.consumer =
        clients.consumer(
            clients.ids().job("chaos-audit", runId),
            null,
            Map.of(),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic :
        List.of(
            topics.fusedResults().name(),
            topics.decisions().name(),
            topics.expertResults().name(),
            topics.feedback().name(),
            topics.deadLetters().name(),
            topics.routingWeights().name())) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    this.reader = new Thread(this::readUntilClosed, "chaos-audit");
    reader.setDaemon(true);
    reader.start();
  }

  private void readUntilClosed() {
    try {
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          take(record, clock.millis());
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      failure = e;
      LOG.error("the chaos audit stopped reading", e);
    } finally {
      consumer.close();
    }
  }

  private synchronized void take(ConsumerRecord<byte[], byte[]> record, long seenAtMs) {
    String topic = record.topic();
    if (record.value() == null) {
      return;
    }
    if (topic.equals(topics.fusedResults().name())) {
      FusedResult result = fused.deserialize(topic, record.headers(), record.value());
      fusedTimes.merge(result.getRequestId(), 1, Integer::sum);
      firstFused.putIfAbsent(result.getRequestId(), result);
      seen(FUSION, seenAtMs);
    } else if (topic.equals(topics.decisions().name())) {
      RoutingDecision decision = decisions.deserialize(topic, record.headers(), record.value());
      deadlines.put(decision.getRequestId(), decision.getDeadlineMs());
      seen(ROUTER, seenAtMs);
    } else if (topic.equals(topics.expertResults().name())) {
      ExpertResult result = results.deserialize(topic, record.headers(), record.value());
      if (result.getStatus() == ResultStatus.OK) {
        answeredAt
            .computeIfAbsent(result.getRequestId(), id -> new HashMap<>())
            .merge(result.getExpert(), result.getCompletedAtMs(), Math::min);
      }
      seen(expert(result.getExpert()), seenAtMs);
    } else if (topic.equals(topics.feedback().name())) {
      feedback++;
    } else if (topic.equals(topics.deadLetters().name())) {
      deadLetters++;
    } else {
      RoutingWeights snapshot = weights.deserialize(topic, record.headers(), record.value());
      if (policy.equals(snapshot.getPolicy())) {
        examples = Math.max(examples, snapshot.getExamples());
        seen(ADAPTATION, seenAtMs);
      }
    }
  }

  private void seen(String stage, long atMs) {
    outputSeen.computeIfAbsent(stage, s -> new TreeSet<>()).add(atMs);
  }

  /** How reports name an expert's stage. */
  static String expert(String name) {
    return "expert " + name;
  }

  /** When output of the stage was first seen after {@code after}, if it was. */
  synchronized Optional<Instant> firstOutputAfter(String stage, Instant after) {
    throwIfFailed();
    NavigableSet<Long> seen = outputSeen.get(stage);
    return Optional.ofNullable(seen == null ? null : seen.higher(after.toEpochMilli()))
        .map(Instant::ofEpochMilli);
  }

  /** When output of the stage was seen, epoch ms, as far as read. */
  synchronized NavigableSet<Long> outputTimes(String stage) {
    throwIfFailed();
    return new TreeSet<>(outputSeen.getOrDefault(stage, new TreeSet<>()));
  }

  synchronized int fusedRequests() {
    throwIfFailed();
    return fusedTimes.size();
  }

  synchronized long feedback() {
    return feedback;
  }

  synchronized long examples() {
    throwIfFailed();
    return examples;
  }

  /** The checks over what was written for the requests sent. */
  synchronized Tally tally(Collection<String> sent) {
    throwIfFailed();
    int lost = 0;
    int duplicated = 0;
    List<String> answeredButIncomplete = new ArrayList<>();
    Map<String, Integer> completeness = new TreeMap<>();
    for (String id : sent) {
      Integer times = fusedTimes.get(id);
      if (times == null) {
        lost++;
        continue;
      }
      duplicated += times - 1;
      FusedResult result = firstFused.get(id);
      completeness.merge(result.getCompleteness().name(), 1, Integer::sum);
      if ((result.getCompleteness() == Completeness.PARTIAL
              || result.getCompleteness() == Completeness.TIMEOUT)
          && answeredInTime(id, result.getExpected())) {
        answeredButIncomplete.add(id);
      }
    }
    return new Tally(
        sent.size(),
        lost,
        duplicated,
        answeredButIncomplete,
        completeness,
        feedback,
        examples,
        deadLetters);
  }

  /** Whether every expert the decision chose answered OK by the request's deadline. */
  private boolean answeredInTime(String id, List<String> expected) {
    Map<String, Long> answers = answeredAt.getOrDefault(id, Map.of());
    Long deadline = deadlines.get(id);
    return !expected.isEmpty()
        && deadline != null
        && expected.stream().allMatch(e -> answers.containsKey(e) && answers.get(e) <= deadline);
  }

  /**
   * @param answeredButIncomplete requests every chosen expert answered in time that still came out
   *     PARTIAL or TIMEOUT
   * @param completeness fused results by completeness
   */
  record Tally(
      int requests,
      int lost,
      int duplicated,
      List<String> answeredButIncomplete,
      Map<String, Integer> completeness,
      long feedback,
      long examples,
      long deadLetters) {}

  private void throwIfFailed() {
    if (failure != null) {
      throw new IllegalStateException(
          "the audit stopped reading: " + failure.getMessage(), failure);
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    consumer.wakeup();
    reader.join(Duration.ofSeconds(30).toMillis());
  }
}
