package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

  @Test
  void aLetterThatFitsIsKeptWholeWithItsHeaders() {
    DeadLetter letter =
        DeadLetter.of(
                bytes("k"), bytes("value"), new Header[] {new RecordHeader("trace", bytes("t1"))})
            .reason("router", "bad")
            .source(null, -1, -1)
            .at(5)
            .fitTo(DeadLetter.DEFAULT_MAX_REQUEST_SIZE);

    assertThat(letter.value()).isEqualTo(bytes("value"));
    assertThat(letter.headers().lastHeader("trace").value()).isEqualTo(bytes("t1"));
    assertThat(letter.headers().lastHeader(GatestreamHeaders.DLQ_SOURCE_TOPIC))
        .as("no source record")
        .isNull();
    assertThat(letter.headers().lastHeader(GatestreamHeaders.DLQ_ORIGINAL_SIZE).value())
        .isEqualTo(bytes("5"));
  }

  @Test
  void outsizedHeadersAndKeysGoBeforeTheLetterOutgrowsTheProducer() {
    DeadLetter letter =
        DeadLetter.of(
                new byte[30_000],
                new byte[50_000],
                new Header[] {new RecordHeader("huge", new byte[40_000])})
            .reason("router", "too large")
            .fitTo(20_000);

    assertThat(letter.headers().lastHeader("huge")).isNull();
    assertThat(letter.key()).hasSize(5_000);
    assertThat(letter.headers().lastHeader(GatestreamHeaders.DLQ_ORIGINAL_SIZE).value())
        .isEqualTo(bytes("50000"));
    int headers = 0;
    for (Header header : letter.headers()) {
      headers += header.key().length() + header.value().length;
    }
    assertThat(letter.key().length + letter.value().length + headers)
        .isEqualTo(20_000 - DeadLetter.RECORD_OVERHEAD_BYTES);
  }

  @Test
  void theStreamsProducersMaxRequestSizeWinsOverTheSharedOne() {
    assertThat(DeadLetter.maxRequestSize(Map.of())).isEqualTo(1024 * 1024);
    assertThat(DeadLetter.maxRequestSize(Map.of("max.request.size", "2000"))).isEqualTo(2000);
    assertThat(
            DeadLetter.maxRequestSize(
                Map.of("max.request.size", "2000", "producer.max.request.size", 3000)))
        .isEqualTo(3000);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
