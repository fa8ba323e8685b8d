package dev.gatestream.app.lifecycle;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the production log from its start, into a {@link LifecycleLog}: decisions, candidate
 * decisions, expert results and feedback, read-committed, assigned every partition (no group, so
 * nothing is skipped or read twice). A record that is not what its topic holds is skipped and
 * counted, as evaluate skips it.
 */
final class LogTail implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(LogTail.class);

  private final List<Source<?>> sources = new ArrayList<>();
  private long skipped;

  /** One topic and where its records go. */
  private final class Source<V> {
    final KafkaConsumer<byte[], byte[]> consumer;
    final String topic;
    final Deserializer<?> values;
    final Class<V> type;
    final Consumer<V> sink;

    Source(
        KafkaConsumer<byte[], byte[]> consumer,
        TopicSpec<String, V> spec,
        GatestreamSerdes serdes,
        Consumer<V> sink) {
      this.consumer = consumer;
      this.topic = spec.name();
      this.values = serdes.valueSerde(spec).deserializer();
      this.type = spec.valueType();
      this.sink = sink;
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        partitions.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    int poll(Duration timeout) {
      int read = 0;
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
        if (record.value() == null) {
          continue;
        }
        Object value;
        try {
          value = values.deserialize(topic, record.value());
        } catch (RuntimeException e) {
          skipped++;
          continue;
        }
        if (!type.isInstance(value)) {
          skipped++;
          continue;
        }
        sink.accept(type.cast(value));
        read++;
      }
      return read;
    }

    Map<TopicPartition, Long> ends() {
      return consumer.endOffsets(consumer.assignment());
    }

    boolean reached(Map<TopicPartition, Long> ends) {
      return ends.entrySet().stream()
          .allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
    }
  }

  LogTail(
      KafkaClients clients,
      String clientId,
      Topics topics,
      GatestreamSerdes serdes,
      LifecycleLog log) {
    try {
      sources.add(
          new Source<>(
              consumer(clients, clientId + "-decisions"),
              topics.decisions(),
              serdes,
              (RoutingDecision d) -> log.add(d)));
      sources.add(
          new Source<>(
              consumer(clients, clientId + "-candidate-decisions"),
              topics.candidateDecisions(),
              serdes,
              (CandidateDecision d) -> log.add(d)));
      sources.add(
          new Source<>(
              consumer(clients, clientId + "-results"),
              topics.expertResults(),
              serdes,
              (ExpertResult r) -> log.add(r)));
      sources.add(
          new Source<>(
              consumer(clients, clientId + "-feedback"),
              topics.feedback(),
              serdes,
              (Feedback f) -> log.add(f)));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaClients clients, String clientId) {
    return clients.consumer(
        clientId,
        null,
        Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  /** Reads what each topic has now; returns how many records were read. */
  int poll() {
    int read = 0;
    for (Source<?> source : sources) {
      read += source.poll(POLL);
    }
    return read;
  }

  /** Reads until every topic is read to the end it had when this was called. */
  void readToEnd(Duration stallTimeout) {
    List<Map<TopicPartition, Long>> ends = sources.stream().map(Source::ends).toList();
    long lastProgress = System.nanoTime();
    while (!reachedAll(ends)) {
      if (poll() > 0) {
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
        throw new IllegalStateException(
            "the production log stalled: no records for " + stallTimeout.toSeconds() + " s");
      }
    }
  }

  private boolean reachedAll(List<Map<TopicPartition, Long>> ends) {
    for (int i = 0; i < sources.size(); i++) {
      if (!sources.get(i).reached(ends.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    if (skipped > 0) {
      LOG.warn(
          "skipped {} records of the production log that were not what their topic holds", skipped);
    }
    sources.forEach(source -> source.consumer.close(Duration.ofSeconds(5)));
  }
}
