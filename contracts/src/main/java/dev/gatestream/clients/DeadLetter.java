package dev.gatestream.clients;

import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One record for the dead-letter topic, as every stage writes it: the bytes that arrived (or that could
 * not be written), cut to fit what the producer may write, with why, by whom, from and to where, and
 * the value's original size in headers ({@link GatestreamHeaders}).
 */
public final class DeadLetter {

  /** Kafka's default max.request.size. */
  static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
  /** What a letter's key, headers and record overhead may take besides its value. */
  static final int HEADROOM_BYTES = 16 * 1024;

  private final byte[] key;
  private byte[] value;
  private final Headers headers;

  private DeadLetter(byte[] key, byte[] value, Headers headers) {
    this.key = key;
    this.value = value;
    this.headers = headers;
    put(GatestreamHeaders.DLQ_ORIGINAL_SIZE, String.valueOf(value == null ? 0 : value.length));
  }

  /** A letter of these bytes, keeping the headers they came with (a copy). */
  public static DeadLetter of(byte[] key, byte[] value, Header[] carried) {
    return new DeadLetter(key, value, new RecordHeaders(carried == null ? new Header[0] : carried));
  }

  /**
   * The largest value a letter may have so that the stage's producer can write it: its max.request.size
   * (the Kafka Streams {@code producer.} one first) less room for the key and headers.
   */
  public static int maxValueBytes(Map<String, ?> configs) {
    Object size = configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (size == null) {
      size = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }
    int maxRequestSize = size == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(size.toString().trim());
    return Math.max(0, maxRequestSize - HEADROOM_BYTES);
  }

  public DeadLetter reason(String stage, String reason) {
    put(GatestreamHeaders.DLQ_STAGE, stage);
    return put(GatestreamHeaders.DLQ_REASON, reason);
  }

  /** Where the record was read from; nothing when there is no such record (a punctuation). */
  public DeadLetter source(String topic, int partition, long offset) {
    if (topic == null) {
      return this;
    }
    put(GatestreamHeaders.DLQ_SOURCE_TOPIC, topic);
    put(GatestreamHeaders.DLQ_SOURCE_PARTITION, String.valueOf(partition));
    return put(GatestreamHeaders.DLQ_SOURCE_OFFSET, String.valueOf(offset));
  }

  /** The topic the record could not be written to. */
  public DeadLetter target(String topic) {
    return put(GatestreamHeaders.DLQ_TARGET_TOPIC, topic);
  }

  public DeadLetter at(long epochMs) {
    return put(GatestreamHeaders.DLQ_TIMESTAMP, String.valueOf(epochMs));
  }

  /** Cuts the value to at most {@code maxValueBytes}; its original size stays in a header. */
  public DeadLetter fitTo(int maxValueBytes) {
    if (value != null && value.length > maxValueBytes) {
      value = Arrays.copyOf(value, maxValueBytes);
    }
    return this;
  }

  public byte[] key() {
    return key;
  }

  public byte[] value() {
    return value;
  }

  public Headers headers() {
    return headers;
  }

  public ProducerRecord<byte[], byte[]> toProducerRecord(String topic) {
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  private DeadLetter put(String name, String text) {
    headers.remove(name);
    headers.add(name, text.getBytes(StandardCharsets.UTF_8));
    return this;
  }
}
