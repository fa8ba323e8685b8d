package dev.gatestream.clients;

import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One record for the dead-letter topic, as every stage writes it: the bytes that arrived (or that
 * could not be written), cut to fit what the producer may write, with why, by whom, from and to
 * where, and the value's original size in headers ({@link GatestreamHeaders}).
 */
public final class DeadLetter {

  /** Kafka's default max.request.size. */
  static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

  /** More than a record batch of one record adds to its key, value and headers. */
  static final int RECORD_OVERHEAD_BYTES = 1024;

  private byte[] key;
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
   * The largest record a Kafka Streams stage's producer writes: its max.request.size, the {@code
   * producer.}-prefixed one first.
   */
  public static int maxRequestSize(Map<String, ?> configs) {
    Object size = configs.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
    if (size == null) {
      size = configs.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }
    return size == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(size.toString().trim());
  }

  /** The largest record a producer of these properties writes. */
  public static int maxRequestSize(Properties producer) {
    Object size = producer.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    return size == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(size.toString().trim());
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

  /**
   * Where a record kept for a while was read from, when its partition and offset are no longer
   * known.
   */
  public DeadLetter sourceTopic(String topic) {
    return put(GatestreamHeaders.DLQ_SOURCE_TOPIC, topic);
  }

  /** The topic the record could not be written to. */
  public DeadLetter target(String topic) {
    return put(GatestreamHeaders.DLQ_TARGET_TOPIC, topic);
  }

  public DeadLetter at(long epochMs) {
    return put(GatestreamHeaders.DLQ_TIMESTAMP, String.valueOf(epochMs));
  }

  /**
   * Cuts the letter to what a producer of this max.request.size writes: the value first (its
   * original size stays in a header); should the key and headers it came with not leave room, the
   * headers it came with go and an outsized key is cut too.
   */
  public DeadLetter fitTo(int maxRequestSize) {
    int room = maxRequestSize - RECORD_OVERHEAD_BYTES - length(key) - headerBytes();
    if (room < 0) {
      for (Header header : headers.toArray()) {
        if (!header.key().startsWith(GatestreamHeaders.DLQ_PREFIX)) {
          headers.remove(header.key());
        }
      }
      if (length(key) > maxRequestSize / 4) {
        key = Arrays.copyOf(key, maxRequestSize / 4);
      }
      room = maxRequestSize - RECORD_OVERHEAD_BYTES - length(key) - headerBytes();
    }
    if (value != null && value.length > Math.max(0, room)) {
      value = Arrays.copyOf(value, Math.max(0, room));
    }
    return this;
  }

  private int headerBytes() {
    int bytes = 0;
    for (Header header : headers) {
      bytes += header.key().length() + length(header.value());
    }
    return bytes;
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
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
