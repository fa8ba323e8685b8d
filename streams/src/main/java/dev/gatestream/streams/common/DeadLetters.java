package dev.gatestream.streams.common;

import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Builds dead-letter records: the bytes as they arrived, with why and where from in headers. */
public final class DeadLetters {

  private DeadLetters() {}

  public static Record<byte[], byte[]> of(Record<byte[], byte[]> original, String stage, String reason,
      ProcessorContext<?, ?> context) {
    Headers headers = new RecordHeaders(original.headers().toArray());
    put(headers, GatestreamHeaders.DLQ_REASON, reason);
    put(headers, GatestreamHeaders.DLQ_STAGE, stage);
    Optional<RecordMetadata> source = context.recordMetadata();
    source.ifPresent(metadata -> {
      put(headers, GatestreamHeaders.DLQ_SOURCE_TOPIC, metadata.topic());
      put(headers, GatestreamHeaders.DLQ_SOURCE_PARTITION, String.valueOf(metadata.partition()));
      put(headers, GatestreamHeaders.DLQ_SOURCE_OFFSET, String.valueOf(metadata.offset()));
    });
    put(headers, GatestreamHeaders.DLQ_TIMESTAMP, String.valueOf(context.currentSystemTimeMs()));
    return new Record<>(original.key(), original.value(), original.timestamp(), headers);
  }

  private static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
