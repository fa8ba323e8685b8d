package dev.gatestream.app.bench;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.FusedResult;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads fused results as a client would (read_committed) and records each one's end-to-end latency:
 * from the request's creation to the moment the client has the result.
 */
final class Collector implements AutoCloseable {

  private final KafkaConsumer<String, FusedResult> consumer;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong received = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  Collector(
      KafkaClients clients, String topic, Deserializer<FusedResult> deserializer, String group) {
    consumer =
        clients.consumer(
            group,
            group,
            Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10),
            new StringDeserializer(),
            deserializer);
    consumer.subscribe(Set.of(topic));
    thread = new Thread(this::poll, "gatestream-bench-collector");
    thread.start();
  }

  private void poll() {
    while (running.get()) {
      for (ConsumerRecord<String, FusedResult> record : consumer.poll(Duration.ofMillis(50))) {
        long now = System.currentTimeMillis();
        FusedResult result = record.value();
        long createdAt = result.getEmittedAtMs() - result.getLatencyMs();
        latencies.recordValue(Math.max(0, now - createdAt));
        received.incrementAndGet();
      }
    }
    consumer.close(Duration.ofSeconds(5));
  }

  long received() {
    return received.get();
  }

  /** Waits until {@code count} results arrived; false when the timeout came first. */
  boolean awaitReceived(long count, Duration timeout, Runnable onProgress)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (received.get() < count) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(50);
      onProgress.run();
    }
    return true;
  }

  /** The latencies recorded since the last call. */
  Histogram takeLatencies() {
    return latencies.getIntervalHistogram();
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }
}
