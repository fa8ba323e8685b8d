package dev.gatestream.app.bench;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces bench requests: a burst as fast as the producer goes, or a steady rate. */
final class Load implements AutoCloseable {

  private final KafkaProducer<String, InferenceRequest> producer;
  private final String topic;
  private final Duration deadline;

  Load(
      KafkaClients clients,
      String clientId,
      Topics topics,
      Serializer<InferenceRequest> serializer,
      Duration deadline) {
    this.producer =
        clients.producer(
            clientId,
            Map.of(ProducerConfig.LINGER_MS_CONFIG, 2),
            new StringSerializer(),
            serializer);
    this.topic = topics.requests().name();
    this.deadline = deadline;
  }

  /** Requests {@code idPrefix + from} .. {@code idPrefix + (to - 1)}, as fast as possible. */
  void burst(String idPrefix, int from, int to) {
    for (int i = from; i < to; i++) {
      send(idPrefix + i, i);
    }
    producer.flush();
  }

  /**
   * Requests at a steady rate, in 5 ms ticks so that bursts stay small.
   *
   * @return how many were sent
   */
  int steady(String idPrefix, int from, int perSecond, Duration duration) {
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    int sent = 0;
    long tick = Duration.ofMillis(5).toNanos();
    for (long next = start; next < end; next += tick) {
      LockSupport.parkNanos(next - System.nanoTime());
      long due = (long) ((double) (next - start + tick) / 1e9 * perSecond);
      while (sent < due) {
        send(idPrefix + (from + sent), from + sent);
        sent++;
      }
    }
    producer.flush();
    return sent;
  }

  private void send(String id, int index) {
    producer.send(
        new ProducerRecord<>(topic, id, request(id, index, System.currentTimeMillis(), deadline)));
  }

  /** The bench's request number {@code index}, created at {@code nowMs}. */
  static InferenceRequest request(String id, int index, long nowMs, Duration deadline) {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(nowMs)
        .setTask("task-" + (index % 5))
        .setText("question number " + index + " about topic " + (index % 97))
        .setDeadlineMs(nowMs + deadline.toMillis())
        .build();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
