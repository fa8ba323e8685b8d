package dev.gatestream.app.source;

import dev.gatestream.clients.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a {@link TopicRange} once, start to end, without a consumer group: assigns the partitions,
 * seeks to each span's start and polls until every partition has reached its end as resolved at the
 * start. Reads committed records only. Deserialization happens here, record by record, so one
 * record that cannot be read is reported and skipped instead of stopping the whole read.
 */
public final class TopicRangeReader {

  /** A record that could not be deserialized. */
  public record Malformed(TopicPartition partition, long offset, String reason) {}

  /** What a read went through. */
  public record Result(
      Map<TopicPartition, OffsetSpan> spans,
      long records,
      long malformed,
      Optional<Malformed> firstMalformed) {}

  private TopicRangeReader() {}

  /**
   * @param clients where the reading consumer comes from (read-committed, no group)
   * @param stallTimeout how long the read may go without progress before it fails
   * @param sink gets every readable record of the range, in offset order per partition
   * @throws IllegalArgumentException when the topic does not exist
   * @throws KafkaException when the read stalls
   */
  public static <K, V> Result read(
      KafkaClients clients,
      Deserializer<K> keys,
      Deserializer<V> values,
      TopicRange range,
      Duration stallTimeout,
      Consumer<ConsumerRecord<K, V>> sink) {
    return read(clients, keys, values, range, partition -> true, stallTimeout, sink);
  }

  /**
   * Reads only some partitions of the range, e.g. the one a key hashes to.
   *
   * @param partitions which partition numbers to read; the result's spans are theirs alone
   */
  public static <K, V> Result read(
      KafkaClients clients,
      Deserializer<K> keys,
      Deserializer<V> values,
      TopicRange range,
      IntPredicate partitions,
      Duration stallTimeout,
      Consumer<ConsumerRecord<K, V>> sink) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        clients.consumer(
            clients.ids().job("read", range.topic()),
            null,
            Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      Map<TopicPartition, OffsetSpan> spans = new LinkedHashMap<>();
      range
          .resolve(consumer, stallTimeout)
          .forEach(
              (partition, span) -> {
                if (partitions.test(partition.partition())) {
                  spans.put(partition, span);
                }
              });
      Map<TopicPartition, OffsetSpan> pending = new HashMap<>();
      spans.forEach(
          (partition, span) -> {
            if (!span.isEmpty()) {
              pending.put(partition, span);
            }
          });
      consumer.assign(List.copyOf(pending.keySet()));
      pending.forEach((partition, span) -> consumer.seek(partition, span.start()));
      long records = 0;
      long malformed = 0;
      Malformed first = null;
      long lastProgress = System.nanoTime();
      while (!pending.isEmpty()) {
        var polled = consumer.poll(Duration.ofMillis(200));
        if (!polled.isEmpty()) {
          lastProgress = System.nanoTime();
        }
        for (ConsumerRecord<byte[], byte[]> raw : polled) {
          OffsetSpan span = pending.get(new TopicPartition(raw.topic(), raw.partition()));
          if (span == null || raw.offset() >= span.end()) {
            continue; // past the range's end, fetched along with the last records in it
          }
          ConsumerRecord<K, V> record;
          try {
            record =
                new ConsumerRecord<>(
                    raw.topic(),
                    raw.partition(),
                    raw.offset(),
                    raw.timestamp(),
                    raw.timestampType(),
                    raw.serializedKeySize(),
                    raw.serializedValueSize(),
                    raw.key() == null
                        ? null
                        : keys.deserialize(raw.topic(), raw.headers(), raw.key()),
                    raw.value() == null
                        ? null
                        : values.deserialize(raw.topic(), raw.headers(), raw.value()),
                    raw.headers(),
                    raw.leaderEpoch());
          } catch (RuntimeException e) {
            malformed++;
            if (first == null) {
              first =
                  new Malformed(
                      new TopicPartition(raw.topic(), raw.partition()),
                      raw.offset(),
                      String.valueOf(e.getMessage()));
            }
            continue;
          }
          records++;
          sink.accept(record);
        }
        // The position also counts transaction markers and aborted records, which polls skip.
        List<TopicPartition> done =
            pending.keySet().stream()
                .filter(partition -> consumer.position(partition) >= pending.get(partition).end())
                .toList();
        consumer.pause(done);
        done.forEach(pending::remove);
        if (!done.isEmpty()) {
          lastProgress = System.nanoTime();
        }
        if (!pending.isEmpty() && System.nanoTime() - lastProgress > stallTimeout.toNanos()) {
          throw new KafkaException(
              "reading "
                  + range
                  + " stalled: no record for "
                  + stallTimeout.toSeconds()
                  + "s with "
                  + pending.size()
                  + " partitions short of their end");
        }
      }
      return new Result(spans, records, malformed, Optional.ofNullable(first));
    }
  }
}
