package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.Lineage;
import dev.gatestream.adaptation.events.WarmStart;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.RegistryClients;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.learning.PolicyLearner;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learners' warm starts: each policy's newest usable snapshot on the routing-weights topic,
 * read once, to its end, before the job graph is built, and resumed into a learner ({@link
 * PolicyLearner#fromSnapshot}) that the learner function starts from for every policy it has no
 * state for. A bounded read at submission rather than a side input: the learner needs its starting
 * state before its first example, which a side input cannot promise without buffering examples, and
 * the topic is compacted and holds what the job itself published, so one read is all it takes. Only
 * finite snapshots count, so a non-finite one published before the guards existed is passed over
 * for the newest finite one before it.
 */
final class WarmStarts {

  private static final Logger LOG = LoggerFactory.getLogger(WarmStarts.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Map<String, RoutingWeights> newest = new HashMap<>();

  /** Keeps weights if they are finite and newer than what its policy had. */
  void offer(RoutingWeights weights) {
    RoutingWeights current = newest.get(weights.getPolicy());
    if ((current == null || weights.getVersion() > current.getVersion())
        && PolicyLearner.nonFinite(Conversions.snapshot(weights).parameters()) == null) {
      newest.put(weights.getPolicy(), weights);
    }
  }

  /**
   * The learner each policy resumes from; a policy whose snapshot does not fit the learner is left
   * out, unless the snapshot carries a lineage, which it then resumes alone.
   */
  Map<String, WarmStart> resume(AdaptationSettings settings, double weight) {
    Map<String, WarmStart> starts = new HashMap<>();
    newest.forEach(
        (policy, weights) -> {
          WeightsSnapshot snapshot = Conversions.snapshot(weights);
          Optional<PolicyLearner> learner =
              PolicyLearner.fromSnapshot(
                  settings.learner(), settings.experts(), snapshot, weights.getExamples(), weight);
          Lineage lineage = Conversions.lineage(weights);
          if (learner.isPresent() || lineage != null) {
            starts.put(
                policy,
                new WarmStart(
                    weights.getVersion(),
                    weights.getExamples(),
                    learner.map(PolicyLearner::toBytes).orElse(null),
                    lineage));
          }
          if (learner.isEmpty()) {
            LOG.warn(
                "policy {}: published weights v{} do not fit the {} learner over {} features; it starts from the"
                    + " prior",
                policy,
                weights.getVersion(),
                settings.learner().kind().id(),
                settings.learner().featureDimension());
          }
        });
    return starts;
  }

  /**
   * Reads the topic to its end (read-committed: what the job's checkpoints committed) and resumes
   * each policy's newest finite snapshot. A topic that cannot be read within timeout leaves every
   * policy to its prior, with a warning: the job must start either way. Undecodable records are
   * skipped.
   */
  static Map<String, WarmStart> read(
      KafkaClients clients,
      String topic,
      RegistryClients registry,
      AdaptationSettings settings,
      double weight,
      Duration timeout) {
    WarmStarts warmStarts = new WarmStarts();
    Deserializer<RoutingWeights> values =
        registry.serdes(false).avro(RoutingWeights.class, false).deserializer();
    try (KafkaConsumer<String, byte[]> consumer =
        clients.consumer(
            clients.ids().adaptation() + "-warm-start",
            null,
            Map.of(),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream()
          .anyMatch(partition -> consumer.position(partition, timeout) < end.get(partition))) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("not at the end of " + topic + " after " + timeout);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          if (record.value() == null) {
            continue;
          }
          try {
            warmStarts.offer(values.deserialize(topic, record.headers(), record.value()));
          } catch (RuntimeException e) {
            LOG.warn(
                "warm start: skipping undecodable weights at {}-{}@{}: {}",
                topic,
                record.partition(),
                record.offset(),
                e.toString());
          }
        }
      }
      Map<String, WarmStart> starts = warmStarts.resume(settings, weight);
      starts.forEach(
          (policy, start) ->
              LOG.info(
                  "policy {}: warm start from published weights v{} ({} examples)",
                  policy,
                  start.version(),
                  start.examples()));
      return starts;
    } catch (RuntimeException e) {
      LOG.warn(
          "cannot read {} for a warm start; policies without checkpointed state start from the prior: {}",
          topic,
          e.toString());
      return Map.of();
    } finally {
      values.close();
    }
  }
}
