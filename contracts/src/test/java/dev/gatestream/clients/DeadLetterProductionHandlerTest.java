package dev.gatestream.clients;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.junit.jupiter.api.Test;

class DeadLetterProductionHandlerTest {

  private final WriteFailures failures = new WriteFailures();

  private DeadLetterProductionHandler handler(String guarantee) {
    Map<String, Object> configs = new HashMap<>();
    configs.put(StreamsConfig.APPLICATION_ID_CONFIG, "t-router");
    configs.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "t-dead-letters");
    configs.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    configs.put(StreamsConfig.producerPrefix("max.request.size"), 20_000);
    configs.put(WriteFailures.CONFIG, failures);
    DeadLetterProductionHandler handler =
        new DeadLetterProductionHandler(Clock.fixed(Instant.ofEpochMilli(42), ZoneOffset.UTC));
    handler.configure(configs);
    return handler;
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, int valueBytes) {
    return new ProducerRecord<>(topic, "r1".getBytes(StandardCharsets.UTF_8), new byte[valueBytes]);
  }

  @Test
  void aRecordTooLargeIsDeadLetteredCutToFitAndTheStageGoesOnAtLeastOnce() {
    Response response =
        handler(StreamsConfig.AT_LEAST_ONCE)
            .handleError(
                StreamsErrorContext.ofTask("t-requests", 2, 17),
                record("t-decisions", 50_000),
                new RecordTooLargeException("The message is 50100 bytes when serialized"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords())
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.topic()).isEqualTo("t-dead-letters");
              int headers = 0;
              for (var header : letter.headers()) {
                headers += header.key().length() + header.value().length;
              }
              assertThat(letter.key().length + letter.value().length + headers)
                  .isEqualTo(20_000 - DeadLetter.RECORD_OVERHEAD_BYTES);
              assertThat(header(letter, GatestreamHeaders.DLQ_ORIGINAL_SIZE)).isEqualTo("50000");
              assertThat(header(letter, GatestreamHeaders.DLQ_TARGET_TOPIC))
                  .isEqualTo("t-decisions");
              assertThat(header(letter, GatestreamHeaders.DLQ_SOURCE_TOPIC))
                  .isEqualTo("t-requests");
              assertThat(header(letter, GatestreamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("17");
              assertThat(header(letter, GatestreamHeaders.DLQ_STAGE)).isEqualTo("t-router");
              assertThat(header(letter, GatestreamHeaders.DLQ_TIMESTAMP)).isEqualTo("42");
              assertThat(header(letter, GatestreamHeaders.DLQ_REASON))
                  .startsWith("cannot write to t-decisions: record of 50002 bytes is too large");
            });
    assertThat(failures.take("t-decisions", "r1")).get().asString().contains("too large");
  }

  @Test
  void
      underExactlyOnceTheFailureIsNotedAndTheTransactionFailedForTheProcessorsToDeadLetterOnRedo() {
    Response response =
        handler(StreamsConfig.EXACTLY_ONCE_V2)
            .handleError(
                StreamsErrorContext.ofTask(null, -1, -1),
                record("t-replies-gone", 10),
                new TimeoutException(
                    "Topic t-replies-gone not present in metadata after 15000 ms."));

    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
    assertThat(failures.take("t-replies-gone", "r1"))
        .get()
        .asString()
        .isEqualTo(
            "cannot write to t-replies-gone: no such topic (Topic t-replies-gone not present in metadata"
                + " after 15000 ms.)");
    assertThat(failures.take("t-replies-gone", "r1")).as("taken once").isEmpty();
  }

  @Test
  void failuresOfTheClusterFailTheStageAndAreNotNoted() {
    DeadLetterProductionHandler handler = handler(StreamsConfig.AT_LEAST_ONCE);

    assertThat(
            handler
                .handleError(
                    StreamsErrorContext.ofTask("t-requests", 0, 1),
                    record("t-decisions", 10),
                    new NotEnoughReplicasException("2 < 3"))
                .result())
        .isEqualTo(Result.FAIL);
    assertThat(
            handler
                .handleError(
                    StreamsErrorContext.ofTask("t-requests", 0, 1),
                    record("t-decisions", 10),
                    new TimeoutException(
                        "Expiring 3 record(s) for t-decisions-0: 120000 ms has passed"))
                .result())
        .isEqualTo(Result.FAIL);
    assertThat(failures.take("t-decisions", "r1")).isEmpty();
  }

  @Test
  void aDeadLetterThatCannotBeWrittenIsNotDeadLetteredAgain() {
    Response response =
        handler(StreamsConfig.AT_LEAST_ONCE)
            .handleError(
                StreamsErrorContext.ofTask("t-requests", 0, 1),
                record("t-dead-letters", 50_000),
                new RecordTooLargeException("too large"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
