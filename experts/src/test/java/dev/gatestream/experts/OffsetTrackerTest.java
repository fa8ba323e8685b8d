package dev.gatestream.experts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

  private static final String TOPIC = "gs-expert-tasks-x";

  /** A consumer whose asynchronous commits fail while {@code failCommits} is set. */
  private static final class FlakyConsumer extends MockConsumer<byte[], byte[]> {
    boolean failCommits;
    final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();

    FlakyConsumer() {
      super("earliest");
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
      commits.add(offsets);
      if (failCommits) {
        callback.onComplete(offsets, new KafkaException("coordinator moved"));
      } else {
        super.commitAsync(offsets, callback);
      }
    }
  }

  private final FlakyConsumer consumer = new FlakyConsumer();
  private final OffsetTracker tracker = new OffsetTracker(consumer, "x");
  private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
  private final TopicPartition p1 = new TopicPartition(TOPIC, 1);

  OffsetTrackerTest() {
    consumer.assign(List.of(p0, p1));
  }

  private OffsetTracker.Position read(TopicPartition partition, long offset) {
    return tracker.track(new ConsumerRecord<>(TOPIC, partition.partition(), offset, null, null));
  }

  private Long committed(TopicPartition partition) {
    OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
    return offset == null ? null : offset.offset();
  }

  @Test
  void commitsOnlyPastTheFirstRecordNotDone() {
    OffsetTracker.Position first = read(p0, 5);
    OffsetTracker.Position second = read(p0, 6);
    tracker.acknowledge(second);

    tracker.commitAsync();
    assertThat(committed(p0)).as("where the assignment started: no progress").isNull();

    tracker.acknowledge(first);
    tracker.commitAsync();
    assertThat(committed(p0)).isEqualTo(7);

    tracker.commitAsync();
    assertThat(consumer.commits).as("nothing new, no commit").hasSize(1);
  }

  @Test
  void aFailedCommitIsTriedAgainNextRound() {
    tracker.acknowledge(read(p0, 0));
    consumer.failCommits = true;
    tracker.commitAsync();
    assertThat(committed(p0)).isNull();

    consumer.failCommits = false;
    tracker.commitAsync();

    assertThat(committed(p0)).isEqualTo(1);
  }

  @Test
  void revokedPartitionsAreCommittedAndForgottenSoLateAcknowledgementsCountForNothing() {
    OffsetTracker.Position done = read(p0, 0);
    OffsetTracker.Position late = read(p0, 1);
    tracker.acknowledge(done);
    tracker.acknowledge(read(p1, 0));

    tracker.commitRevoked(List.of(p0));

    assertThat(committed(p0)).isEqualTo(1);
    assertThat(committed(p1)).as("not revoked").isNull();
    // The partition comes back and is read again from offset 1; the old assignment's late
    // acknowledgement must not mark the new read done.
    OffsetTracker.Position again = read(p0, 1);
    read(p0, 2);
    tracker.acknowledge(late);
    tracker.commitAll();
    assertThat(committed(p0)).isEqualTo(1);
    assertThat(committed(p1)).isEqualTo(1);

    tracker.acknowledge(again);
    tracker.commitAll();
    assertThat(committed(p0)).isEqualTo(2);
  }

  @Test
  void lostPartitionsAreForgottenUncommitted() {
    tracker.acknowledge(read(p0, 0));

    tracker.forget(List.of(p0));
    tracker.commitAll();

    assertThat(committed(p0)).isNull();
  }
}
