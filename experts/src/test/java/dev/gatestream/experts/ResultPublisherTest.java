package dev.gatestream.experts;

import static dev.gatestream.experts.TestTasks.farFuture;
import static dev.gatestream.experts.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

class ResultPublisherTest {

  private static final int MAX_REQUEST_SIZE = 64 * 1024;

  private static final String EXPERT = "org/model-1.5";

  private final Topics topics = new Topics("gs-", 1, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private final String taskTopic = topics.expertTasks(EXPERT).name();
  private final TopicPartition partition = new TopicPartition(taskTopic, 0);
  private final Deserializer<ExpertResult> results =
      serdes.valueSerde(topics.expertResults()).deserializer();
  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final OffsetTracker offsets = new OffsetTracker(consumer, EXPERT);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = new ManualClock(1_700_000_000_000L);
  private final List<KafkaException> failures = new ArrayList<>();
  private final ResultPublisher publisher;
  private long nextOffset;

  ResultPublisherTest() {
    consumer.assign(List.of(partition));
    ExpertSpec spec =
        new ExpertSpec(
            EXPERT,
            new BackendSettings.Replay(
                List.of(Path.of("unused.csv")), BackendSettings.ReplayAnswer.SCORE, 0),
            0.02,
            1,
            8,
            0,
            5_000,
            0,
            0,
            ExpertSpec.CircuitBreakerSettings.DEFAULTS);
    ExpertMeters meters =
        new ExpertMeters(
            registry, EXPERT, "c1", () -> CircuitBreaker.State.CLOSED, () -> 0, () -> 0);
    publisher =
        new ResultPublisher(
            producer,
            MAX_REQUEST_SIZE,
            topics,
            serdes,
            spec,
            offsets,
            meters,
            clock::millis,
            failures::add);
  }

  private ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
    return new ConsumerRecord<>(
        taskTopic, 0, nextOffset++, key.getBytes(StandardCharsets.UTF_8), value);
  }

  private Pending pending(String requestId) {
    OffsetTracker.Position position = offsets.track(record(requestId, new byte[0]));
    return new Pending(task(requestId, EXPERT, farFuture()), position, clock.millis());
  }

  private ExpertResult result(int i) {
    ProducerRecord<byte[], byte[]> sent = producer.history().get(i);
    assertThat(sent.topic()).isEqualTo("gs-expert-results");
    return results.deserialize(sent.topic(), sent.value());
  }

  private Long committed() {
    offsets.commitAll();
    OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
    return offset == null ? null : offset.offset();
  }

  private double tasks(String outcome) {
    return registry
        .get(ExpertMeters.TASKS)
        .tag(ExpertMeters.OUTCOME_TAG, outcome)
        .counter()
        .count();
  }

  @Test
  void writesAnAnswerKeyedByRequestIdWithThePricePerCallUnlessTheBackendKnowsBetter() {
    publisher.answered(pending("r0"), Outcome.answer(new Score(0.5)), 12);
    publisher.answered(
        pending("r1"),
        new Outcome.Answer(new Score(0.7), OptionalDouble.of(0.5), OptionalLong.of(3)),
        12);

    ExpertResult r0 = result(0);
    assertThat(new String(producer.history().get(0).key(), StandardCharsets.UTF_8)).isEqualTo("r0");
    assertThat(r0.getStatus()).isEqualTo(ResultStatus.OK);
    assertThat(r0.getExpert()).isEqualTo(EXPERT);
    assertThat(r0.getOutput()).isEqualTo(new Score(0.5));
    assertThat(r0.getCost()).isEqualTo(0.02);
    assertThat(r0.getLatencyMs()).isEqualTo(12);
    assertThat(r0.getErrorMessage()).isNull();
    assertThat(r0.getCompletedAtMs()).isEqualTo(clock.millis());
    assertThat(result(1).getCost()).isEqualTo(0.5);
    assertThat(result(1).getLatencyMs()).isEqualTo(3);
    assertThat(tasks("ok")).isEqualTo(2);
  }

  @Test
  void writesFailuresWithoutOutputOrCostAndCountsThemByStatus() {
    publisher.failed(pending("e"), ResultStatus.ERROR, "HTTP 500", 40);
    publisher.failed(pending("x"), ResultStatus.EXPIRED, "deadline passed before work began", 0);
    publisher.failed(pending("j"), ResultStatus.REJECTED, "circuit open: HTTP 503", 1);

    ExpertResult error = result(0);
    assertThat(error.getStatus()).isEqualTo(ResultStatus.ERROR);
    assertThat(error.getOutput()).isNull();
    assertThat(error.getCost()).isZero();
    assertThat(error.getErrorMessage()).isEqualTo("HTTP 500");
    assertThat(error.getLatencyMs()).isEqualTo(40);
    assertThat(List.of(tasks("error"), tasks("expired"), tasks("rejected"), tasks("ok")))
        .containsExactly(1.0, 1.0, 1.0, 0.0);
  }

  @Test
  void aRecordIsDoneOnlyOnceTheBrokerAcknowledgedItsResult() {
    publisher.answered(pending("r0"), Outcome.answer(new Score(0.5)), 1);
    publisher.answered(pending("r1"), Outcome.answer(new Score(0.5)), 1);
    assertThat(committed()).isNull();

    producer.completeNext();
    assertThat(committed()).isEqualTo(1);
    producer.completeNext();
    assertThat(committed()).isEqualTo(2);
  }

  @Test
  void aWriteThatFailsIsReportedAndItsRecordNeverDone() {
    publisher.answered(pending("r"), Outcome.answer(new Score(0.5)), 1);

    producer.errorNext(new KafkaException("broker gone"));

    assertThat(failures)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .contains("cannot write the result of request r to gs-expert-results")
                    .contains("broker gone"));
    assertThat(committed()).isNull();
  }

  @Test
  void deadLettersTheRecordUnchangedWithWhereItCameFromAndWhy() {
    byte[] garbage = "{not avro".getBytes(StandardCharsets.UTF_8);
    ConsumerRecord<byte[], byte[]> junk = record("junk", garbage);

    publisher.deadLetter(junk, offsets.track(junk), "not an ExpertTask: bad magic");
    producer.completeNext();

    ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
    assertThat(letter.topic()).isEqualTo("gs-dead-letters");
    assertThat(letter.value()).isEqualTo(garbage);
    assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("junk");
    assertThat(header(letter, GatestreamHeaders.DLQ_REASON))
        .isEqualTo("not an ExpertTask: bad magic");
    assertThat(header(letter, GatestreamHeaders.DLQ_STAGE)).isEqualTo("expert " + EXPERT);
    assertThat(header(letter, GatestreamHeaders.DLQ_SOURCE_TOPIC)).isEqualTo(taskTopic);
    assertThat(header(letter, GatestreamHeaders.DLQ_SOURCE_PARTITION)).isEqualTo("0");
    assertThat(header(letter, GatestreamHeaders.DLQ_SOURCE_OFFSET)).isEqualTo("0");
    assertThat(header(letter, GatestreamHeaders.DLQ_TIMESTAMP))
        .isEqualTo(String.valueOf(clock.millis()));
    assertThat(header(letter, GatestreamHeaders.DLQ_ORIGINAL_SIZE))
        .isEqualTo(String.valueOf(garbage.length));
    assertThat(tasks(ExpertMeters.DEAD_LETTER)).isEqualTo(1);
    assertThat(committed()).isEqualTo(1);
  }

  @Test
  void aDeadLetterKeepsTheRecordsHeadersAndIsCutToWhatTheProducerWrites() {
    byte[] huge = new byte[MAX_REQUEST_SIZE * 2];
    ConsumerRecord<byte[], byte[]> junk = record("huge", huge);
    junk.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));

    publisher.deadLetter(junk, offsets.track(junk), "not an ExpertTask: bad magic");
    producer.completeNext();

    ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
    assertThat(letter.value().length).isLessThan(MAX_REQUEST_SIZE);
    assertThat(header(letter, GatestreamHeaders.DLQ_ORIGINAL_SIZE))
        .isEqualTo(String.valueOf(huge.length));
    assertThat(header(letter, "traceparent")).isEqualTo("00-abc-def-01");
    assertThat(committed()).isEqualTo(1);
  }

  @Test
  void aDeadLetterThatCannotBeWrittenIsReported() {
    ConsumerRecord<byte[], byte[]> junk = record("junk", new byte[] {1});
    publisher.deadLetter(junk, offsets.track(junk), "empty task record");

    producer.errorNext(new KafkaException("topic gone"));

    assertThat(failures)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .contains("cannot write to the dead-letter topic gs-dead-letters: topic gone"));
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
