package dev.gatestream.app.bench;

import dev.gatestream.clients.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a chain's last topic as a client would (read_committed) and records each record's
 * end-to-end latency: from the request's creation to the moment the client has the record.
 */
final class Collector<V> implements AutoCloseable {

  private final KafkaConsumer<String, V> consumer;
  private final ToLongFunction<V> createdAtMs;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong received = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;

  /**
   * @param createdAtMs when the request a record answers was created
   */
  Collector(
      KafkaClients clients,
      String topic,
      Deserializer<V> deserializer,
      ToLongFunction<V> createdAtMs,
      String group) {
    this.createdAtMs = createdAtMs;
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
      for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(50))) {
        long now = System.currentTimeMillis();
        latencies.recordValue(Math.max(0, now - createdAtMs.applyAsLong(record.value())));
        received.incrementAndGet();
      }
    }
    consumer.close(Duration.ofSeconds(5));
  }

  long received() {
    return received.get();
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
