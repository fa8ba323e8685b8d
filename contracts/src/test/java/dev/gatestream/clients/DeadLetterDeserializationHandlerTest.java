package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.serdes.RegistryUnavailableException;
import dev.gatestream.topics.GatestreamHeaders;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class DeadLetterDeserializationHandlerTest {

  private final DeadLetterDeserializationHandler handler =
      new DeadLetterDeserializationHandler(Clock.fixed(Instant.ofEpochMilli(7), ZoneOffset.UTC));

  DeadLetterDeserializationHandlerTest() {
    handler.configure(
        Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG,
            "t-fusion",
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
            "t-dead-letters",
            "max.request.size",
            "1048576"));
  }

  private static ConsumerRecord<byte[], byte[]> garbage() {
    return new ConsumerRecord<>(
        "t-expert-results", 3, 99, "k".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
  }

  @Test
  void anUnreadableRecordIsDeadLetteredWithTheReasonAndTheStageGoesOn() {
    Response response =
        handler.handleError(
            StreamsErrorContext.ofTask("t-expert-results", 3, 99),
            garbage(),
            new SerializationException("no magic byte"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords())
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.topic()).isEqualTo("t-dead-letters");
              assertThat(letter.value()).containsExactly(1, 2, 3);
              assertThat(header(letter.headers().lastHeader(GatestreamHeaders.DLQ_REASON).value()))
                  .isEqualTo("cannot deserialize a record of t-expert-results: no magic byte");
              assertThat(
                      header(
                          letter
                              .headers()
                              .lastHeader(GatestreamHeaders.DLQ_SOURCE_PARTITION)
                              .value()))
                  .isEqualTo("3");
              assertThat(
                      header(
                          letter.headers().lastHeader(GatestreamHeaders.DLQ_ORIGINAL_SIZE).value()))
                  .isEqualTo("3");
            });
  }

  @Test
  void aRegistryOutageFailsTheThreadInsteadOfDeadLetteringAGoodRecord() {
    Response response =
        handler.handleError(
            StreamsErrorContext.ofTask("t-expert-results", 3, 99),
            garbage(),
            new SerializationException(
                new RegistryUnavailableException("registry unavailable", new ConnectException())));

    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void aGlobalStoresThreadSkipsWithoutWriting() {
    Response response =
        handler.handleError(
            new StreamsErrorContext("t-routing-weights", 0, 5, new TaskId(-1, -1)),
            garbage(),
            new SerializationException("no magic byte"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  private static String header(byte[] value) {
    return new String(value, StandardCharsets.UTF_8);
  }
}
