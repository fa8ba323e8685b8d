package dev.gatestream.gateway;

import dev.gatestream.contracts.FusedResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this instance's reply topic on its own thread and completes the caller waiting for each
 * request id. No consumer group: the topic is this instance's alone, read from its end at start, since
 * earlier replies belong to callers that are gone.
 */
final class ReplyListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

  private final KafkaConsumer<String, FusedResult> consumer;
  private final String topic;
  private final Map<String, CompletableFuture<FusedResult>> pending = new ConcurrentHashMap<>();
  private final CountDownLatch positioned = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean healthy;
  private volatile RuntimeException startFailure;

  ReplyListener(KafkaConsumer<String, FusedResult> consumer, String topic) {
    this.consumer = consumer;
    this.topic = topic;
    this.thread = new Thread(this::run, "gateway-replies-" + topic);
  }

  /** Starts reading and returns once the consumer sits at the end of every partition. */
  void start(Duration timeout) throws InterruptedException {
    thread.start();
    if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("reply consumer not positioned on " + topic + " within " + timeout);
    }
    if (startFailure != null) {
      throw startFailure;
    }
  }

  /** Registers a caller; null when a request with this id is already waiting. */
  CompletableFuture<FusedResult> expect(String requestId) {
    CompletableFuture<FusedResult> future = new CompletableFuture<>();
    return pending.putIfAbsent(requestId, future) == null ? future : null;
  }

  /** Forgets a caller that has been answered or given up. */
  void forget(String requestId) {
    pending.remove(requestId);
  }

  /** True while the consumer is assigned and positioned and its thread is polling. */
  boolean healthy() {
    return healthy;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      // position() resolves the lazy seek now, so nothing produced after start() returns is skipped.
      partitions.forEach(consumer::position);
      healthy = true;
      positioned.countDown();
      while (true) {
        pollOnce();
      }
    } catch (WakeupException closing) {
      // close() woke us up
    } catch (RuntimeException e) {
      if (positioned.getCount() > 0) {
        startFailure = e;
      } else {
        LOG.error("reply consumer of {} failed; the gateway reports itself unhealthy", topic, e);
      }
    } finally {
      healthy = false;
      positioned.countDown();
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private void pollOnce() {
    try {
      for (ConsumerRecord<String, FusedResult> record : consumer.poll(Duration.ofSeconds(1))) {
        CompletableFuture<FusedResult> waiting = pending.remove(record.key());
        if (waiting != null) {
          waiting.complete(record.value());
        }
      }
    } catch (RecordDeserializationException e) {
      // Not a reply we can read, so no caller can be waiting for it: skip it.
      LOG.warn("skipping unreadable reply at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
    }
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      consumer.wakeup();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else if (thread.getState() == Thread.State.NEW) {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }
}
