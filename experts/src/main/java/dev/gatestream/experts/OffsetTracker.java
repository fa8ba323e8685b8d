package dev.gatestream.experts;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which offsets of a worker's partitions are done (their result or dead letter acknowledged by the
 * broker) and commits past them, so that a crash loses nothing: tasks not yet done are read again
 * by the next owner of their partition.
 *
 * <p>{@link #acknowledge} may be called from any thread (the producer's callbacks); everything else
 * on the polling thread only, which is also where the consumer calls the commit callbacks.
 */
final class OffsetTracker {

  private static final Logger LOG = LoggerFactory.getLogger(OffsetTracker.class);

  /**
   * Where one record came from. It holds the progress of the assignment that read it, so an
   * acknowledgement that arrives after its partition was revoked touches nothing that counts.
   */
  record Position(TopicPartition partition, PartitionProgress progress, long offset) {}

  private final Consumer<?, ?> consumer;
  private final String expert;
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final Queue<Position> acknowledged = new ConcurrentLinkedQueue<>();

  OffsetTracker(Consumer<?, ?> consumer, String expert) {
    this.consumer = consumer;
    this.expert = expert;
  }

  /** Takes note of a record just read; it is not done until {@link #acknowledge}d. */
  Position track(ConsumerRecord<?, ?> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionProgress p = progress.computeIfAbsent(partition, tp -> new PartitionProgress());
    p.add(record.offset());
    return new Position(partition, p, record.offset());
  }

  /** The record at this position is done. Thread-safe. */
  void acknowledge(Position position) {
    acknowledged.add(position);
  }

  /** Commits, without waiting, past what is done in every partition; a failure is retried later. */
  void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(progress.keySet());
    if (offsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, PartitionProgress> committedFor = new HashMap<>();
    offsets.keySet().forEach(tp -> committedFor.put(tp, progress.get(tp)));
    consumer.commitAsync(
        offsets,
        (done, e) -> {
          if (e != null) {
            LOG.warn("expert {}: offset commit failed, will retry: {}", expert, e.toString());
            offsets.forEach((tp, o) -> committedFor.get(tp).commitFailed(o.offset()));
          }
        });
  }

  /**
   * Commits what is done in partitions being revoked, then forgets them: their new owner starts
   * from there. A failed commit only means some tasks are answered twice.
   */
  void commitRevoked(Collection<TopicPartition> partitions) {
    try {
      commitSync(partitions);
    } catch (KafkaException e) {
      LOG.warn("expert {}: cannot commit revoked partitions: {}", expert, e.toString());
    }
    forget(partitions);
  }

  /** Commits, waiting, past what is done in every partition: the last commit of a worker. */
  void commitAll() {
    commitSync(List.copyOf(progress.keySet()));
  }

  /** Forgets partitions that are gone (revoked or lost), uncommitted. */
  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(progress::remove);
  }

  private void commitSync(Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
    if (!offsets.isEmpty()) {
      consumer.commitSync(offsets);
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(
      Collection<TopicPartition> partitions) {
    for (Position a = acknowledged.poll(); a != null; a = acknowledged.poll()) {
      a.progress().done(a.offset());
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      PartitionProgress p = progress.get(partition);
      OptionalLong offset = p == null ? OptionalLong.empty() : p.committable();
      if (offset.isPresent()) {
        offsets.put(partition, new OffsetAndMetadata(offset.getAsLong()));
        p.committed(offset.getAsLong());
      }
    }
    return offsets;
  }
}
