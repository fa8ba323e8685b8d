package dev.gatestream.adaptation.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record the job could not read, as it arrived, on its way to the dead-letter topic. */
public record MalformedRecord(
    String topic,
    int partition,
    long offset,
    long timestampMs,
    byte[] key,
    byte[] value,
    String reason) {

  public static MalformedRecord of(ConsumerRecord<byte[], byte[]> record, String reason) {
    return new MalformedRecord(
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        record.key(),
        record.value(),
        reason);
  }
}
