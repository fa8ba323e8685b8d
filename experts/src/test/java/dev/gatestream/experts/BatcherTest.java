package dev.gatestream.experts;

import static dev.gatestream.experts.TestTasks.farFuture;
import static dev.gatestream.experts.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BatcherTest {

  private static final String TOPIC = "gs-expert-tasks-x";

  private final ManualClock clock = new ManualClock(1_000);
  private final TopicPartition p0 = new TopicPartition(TOPIC, 0);
  private final TopicPartition p1 = new TopicPartition(TOPIC, 1);
  private final PartitionProgress progress = new PartitionProgress();
  private long nextOffset;

  private void add(Batcher batcher, TopicPartition partition, String... ids) {
    for (String id : ids) {
      batcher.add(
          task(id, "x", farFuture()),
          new OffsetTracker.Position(partition, progress, nextOffset++));
    }
  }

  private static List<List<String>> ids(List<List<Pending>> batches) {
    return batches.stream().map(b -> b.stream().map(Pending::requestId).toList()).toList();
  }

  @Test
  void fullBatchesGoAtOnceAndAPartialOneWhenItsLingerIsOver() {
    Batcher batcher = new Batcher(4, 300, 8, clock::millis);
    add(batcher, p0, "r0", "r1", "r2", "r3", "r4", "r5");
    clock.advance(100);
    add(batcher, p0, "r6", "r7", "r8", "r9");

    assertThat(ids(batcher.take()))
        .containsExactly(List.of("r0", "r1", "r2", "r3"), List.of("r4", "r5", "r6", "r7"));
    assertThat(batcher.buffered()).isEqualTo(2);
    // The linger counts from the oldest buffered task (r8, taken in at 1100).
    clock.advance(299);
    assertThat(batcher.take()).isEmpty();
    clock.advance(1);
    assertThat(ids(batcher.take())).containsExactly(List.of("r8", "r9"));
    assertThat(batcher.buffered()).isZero();
    assertThat(batcher.inFlight()).isEqualTo(3);
  }

  @Test
  void thePollWaitsAtMostUntilTheLingerEnds() {
    Batcher batcher = new Batcher(4, 300, 1, clock::millis);
    assertThat(batcher.pollWaitMs(100)).as("nothing buffered").isEqualTo(100);
    add(batcher, p0, "r0");
    clock.advance(250);
    assertThat(batcher.pollWaitMs(100)).isEqualTo(50);
    clock.advance(60);
    assertThat(batcher.pollWaitMs(100)).as("linger already over").isZero();
  }

  @Test
  void noMoreThanConcurrencyBatchesAreInFlight() {
    Batcher batcher = new Batcher(1, 0, 2, clock::millis);
    add(batcher, p0, "r0", "r1", "r2");

    assertThat(ids(batcher.take())).containsExactly(List.of("r0"), List.of("r1"));
    assertThat(batcher.take()).isEmpty();
    batcher.ended();

    assertThat(batcher.inFlight()).isEqualTo(1);
    assertThat(ids(batcher.take())).containsExactly(List.of("r2"));
  }

  @Test
  void pausesTheAssignmentWhileNoBatchCanStartAndResumesOnlyWhatIsStillAssigned() {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    consumer.assign(List.of(p0, p1));
    Batcher batcher = new Batcher(1, 0, 1, clock::millis);
    add(batcher, p0, "r0", "r1");
    batcher.take();

    batcher.applyBackPressure(consumer);

    assertThat(consumer.paused()).containsExactlyInAnyOrder(p0, p1);
    assertThat(batcher.paused()).isTrue();
    assertThat(batcher.pollWaitMs(100)).as("paused partitions bring nothing").isZero();

    consumer.assign(List.of(p1));
    batcher.ended();
    batcher.applyBackPressure(consumer);

    // A real consumer would throw for resuming p0, no longer assigned (the mock keeps its pause).
    assertThat(consumer.paused()).containsExactly(p0);
    assertThat(batcher.paused()).isFalse();
  }

  @Test
  void dropsTheBufferedTasksOfPartitionsThatAreGone() {
    Batcher batcher = new Batcher(8, 1_000, 1, clock::millis);
    add(batcher, p0, "a", "b");
    add(batcher, p1, "c");

    batcher.drop(List.of(p0));

    assertThat(batcher.buffered()).isEqualTo(1);
    clock.advance(1_000);
    assertThat(ids(batcher.take())).containsExactly(List.of("c"));
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void anEndedBatchEndsTheWait() throws InterruptedException {
    Batcher batcher = new Batcher(1, 0, 1, clock::millis);
    add(batcher, p0, "r0");
    batcher.take();
    Thread pool = new Thread(batcher::ended);
    pool.start();

    // Returns as soon as the batch ended, not after the (long) maximum.
    batcher.awaitEnd(TimeUnit.HOURS.toMillis(1));
    pool.join();

    assertThat(batcher.inFlight()).isZero();
  }
}
