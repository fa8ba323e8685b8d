package dev.gatestream.app.bench;

import dev.gatestream.contracts.InferenceRequest;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The raw chains' record: a bench request reduced to opaque bytes of the size its Avro encoding
 * has, whose first eight carry its creation time, so that the raw chains move as many bytes as the
 * pipeline's first hop and their latency is measured the same way.
 */
final class RawPayload {

  private RawPayload() {}

  /** Writes each request as {@code size} bytes (at least 8) starting with its creation time. */
  static Serializer<InferenceRequest> serializer(int size) {
    int length = Math.max(Long.BYTES, size);
    return (topic, request) ->
        ByteBuffer.allocate(length).putLong(request.getCreatedAtMs()).array();
  }

  /** The creation time a raw record carries. */
  static long createdAtMs(byte[] payload) {
    if (payload == null || payload.length < Long.BYTES) {
      throw new IllegalArgumentException(
          "not a bench payload: "
              + (payload == null ? "null" : payload.length + " bytes")
              + ", expected at least "
              + Long.BYTES);
    }
    return ByteBuffer.wrap(payload).getLong();
  }
}
