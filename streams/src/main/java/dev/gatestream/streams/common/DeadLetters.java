package dev.gatestream.streams.common;

import dev.gatestream.clients.DeadLetter;
import dev.gatestream.serdes.TransientFailures;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Builds one processor's dead-letter records: the bytes, cut to what the stage's producer can
 * write, with why and where from in headers ({@link DeadLetter}). Dead letters are for records that
 * are bad: a failure of the registry or the broker is {@linkplain #throwIfTransient thrown}
 * instead, so that the record is processed again once they are back.
 */
public final class DeadLetters {

  private final String stage;
  private final ProcessorContext<?, ?> context;
  private final int maxRequestSize;

  public DeadLetters(String stage, ProcessorContext<?, ?> context) {
    this.stage = stage;
    this.context = context;
    this.maxRequestSize = DeadLetter.maxRequestSize(context.appConfigs());
  }

  /**
   * Throws {@code failure} when it is transient ({@link TransientFailures}): the registry serdes
   * have already retried it for their budget, so the stream thread fails, is replaced, and reads
   * the record again from its last commit. Returns when the record itself is at fault.
   */
  public static void throwIfTransient(RuntimeException failure) {
    if (TransientFailures.isTransient(failure)) {
      throw failure;
    }
  }

  /** The largest record this stage's producer writes. */
  public int maxRequestSize() {
    return maxRequestSize;
  }

  /** The record being processed, as it arrived. */
  public Record<byte[], byte[]> of(Record<byte[], byte[]> original, String reason) {
    DeadLetter letter =
        fromCurrent(DeadLetter.of(original.key(), original.value(), original.headers().toArray()));
    return toRecord(letter.reason(stage, reason), original.timestamp());
  }

  /** A record the stage made for {@code target} and does not write there. */
  public Record<byte[], byte[]> unwritten(String key, byte[] value, String target, String reason) {
    DeadLetter letter = fromCurrent(DeadLetter.of(bytes(key), value, new Header[0])).target(target);
    return toRecord(letter.reason(stage, reason), context.currentSystemTimeMs());
  }

  /** A record read from {@code sourceTopic} earlier and kept until now, re-serialized. */
  public Record<byte[], byte[]> kept(String key, byte[] value, String sourceTopic, String reason) {
    DeadLetter letter = DeadLetter.of(bytes(key), value, new Header[0]).sourceTopic(sourceTopic);
    return toRecord(letter.reason(stage, reason), context.currentSystemTimeMs());
  }

  private DeadLetter fromCurrent(DeadLetter letter) {
    context
        .recordMetadata()
        .ifPresent(source -> letter.source(source.topic(), source.partition(), source.offset()));
    return letter;
  }

  private Record<byte[], byte[]> toRecord(DeadLetter letter, long timestamp) {
    letter.at(context.currentSystemTimeMs()).fitTo(maxRequestSize);
    return new Record<>(letter.key(), letter.value(), timestamp, letter.headers());
  }

  private static byte[] bytes(String key) {
    return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
  }
}
