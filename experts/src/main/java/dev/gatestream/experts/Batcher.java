package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertTask;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Groups the tasks a worker took in into batches of at most {@code batchSize}, in arrival order: a
 * full batch goes at once, a partial one after {@code lingerMs}. At most {@code concurrency}
 * batches are in flight; while that many are, the consumer's partitions are paused (it keeps
 * polling, so it stays in the group) instead of the buffer growing.
 *
 * <p>{@link #ended()} and the counts may be called from any thread; the rest from the polling
 * thread only.
 */
final class Batcher {

  private final int batchSize;
  private final long lingerMs;
  private final int concurrency;
  private final LongSupplier clock;
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Semaphore batchEnded = new Semaphore(0);
  // Copies of the polling thread's state, for readers on other threads (meters).
  private volatile int buffered;
  private volatile boolean paused;

  /**
   * @param clock the current time in milliseconds
   */
  Batcher(int batchSize, long lingerMs, int concurrency, LongSupplier clock) {
    this.batchSize = batchSize;
    this.lingerMs = lingerMs;
    this.concurrency = concurrency;
    this.clock = clock;
  }

  void add(ExpertTask task, OffsetTracker.Position position) {
    buffer.add(new Pending(task, position, clock.getAsLong()));
    buffered = buffer.size();
  }

  /** How long the next poll may wait for records: not past the linger of a partial batch. */
  long pollWaitMs(long maxWaitMs) {
    if (paused) {
      // Nothing can come from paused partitions; the poll only keeps the worker in the group.
      return 0;
    }
    if (buffer.isEmpty()) {
      return maxWaitMs;
    }
    return Math.max(0, Math.min(maxWaitMs, lingerEndsAt() - clock.getAsLong()));
  }

  /**
   * The batches that may start now, counted in flight; the caller starts each and reports its end
   * with {@link #ended()}.
   */
  List<List<Pending>> take() {
    List<List<Pending>> batches = new ArrayList<>();
    while (!buffer.isEmpty()
        && inFlight.get() < concurrency
        && (buffer.size() >= batchSize || clock.getAsLong() >= lingerEndsAt())) {
      List<Pending> batch = new ArrayList<>(Math.min(buffer.size(), batchSize));
      while (batch.size() < batchSize && !buffer.isEmpty()) {
        batch.add(buffer.pollFirst());
      }
      inFlight.incrementAndGet();
      batches.add(batch);
    }
    buffered = buffer.size();
    return batches;
  }

  /** A batch from {@link #take()} is answered. Thread-safe. */
  void ended() {
    inFlight.decrementAndGet();
    batchEnded.release();
  }

  /** Waits until a batch ends (or one ended since the last wait), at most {@code maxWaitMs}. */
  void awaitEnd(long maxWaitMs) throws InterruptedException {
    if (batchEnded.tryAcquire(maxWaitMs, TimeUnit.MILLISECONDS)) {
      batchEnded.drainPermits();
    }
  }

  /** Pauses the consumer's partitions while no batch can start, and resumes them after. */
  void applyBackPressure(Consumer<?, ?> consumer) {
    boolean full = inFlight.get() >= concurrency;
    if (full) {
      // Every round: partitions assigned since the last pause start unpaused.
      consumer.pause(consumer.assignment());
    } else if (paused) {
      // Only assigned partitions can be resumed; a rebalance may have taken paused ones away.
      Set<TopicPartition> resumable = new HashSet<>(consumer.paused());
      resumable.retainAll(consumer.assignment());
      consumer.resume(resumable);
    }
    paused = full;
  }

  /**
   * Drops the buffered tasks of partitions this worker no longer owns: their new owner reads them.
   */
  void drop(Collection<TopicPartition> partitions) {
    buffer.removeIf(p -> partitions.contains(p.position().partition()));
    buffered = buffer.size();
  }

  /** Tasks taken in and not yet in a batch. */
  int buffered() {
    return buffered;
  }

  /** Batches taken and not yet ended. */
  int inFlight() {
    return inFlight.get();
  }

  /** Whether the partitions are paused for back-pressure. */
  boolean paused() {
    return paused;
  }

  private long lingerEndsAt() {
    return buffer.peekFirst().bufferedAtMs() + lingerMs;
  }
}
