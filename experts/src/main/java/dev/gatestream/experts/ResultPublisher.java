package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what became of each task record: one {@link ExpertResult} keyed by request id, or the
 * record itself, bytes unchanged, to the dead-letter topic. A record counts as done (its offset is
 * acknowledged to the {@link OffsetTracker}) only once the broker has acknowledged the write; a
 * write that fails is reported to {@code onFailure}, which stops the worker. Thread-safe.
 */
final class ResultPublisher implements CallPolicy.Results {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);

  private final Producer<byte[], byte[]> producer;
  private final String expert;
  private final double pricePerCall;
  private final String resultTopic;
  private final String deadLetterTopic;
  private final Serializer<ExpertResult> resultSerializer;
  private final OffsetTracker offsets;
  private final ExpertMeters meters;
  private final LongSupplier clock;
  private final Consumer<KafkaException> onFailure;

  /**
   * @param clock the current time in milliseconds, for completion and dead-letter timestamps
   */
  ResultPublisher(
      Producer<byte[], byte[]> producer,
      Topics topics,
      GatestreamSerdes serdes,
      ExpertSpec spec,
      OffsetTracker offsets,
      ExpertMeters meters,
      LongSupplier clock,
      Consumer<KafkaException> onFailure) {
    this.producer = producer;
    this.expert = spec.name();
    this.pricePerCall = spec.pricePerCall();
    this.resultTopic = topics.expertResults().name();
    this.deadLetterTopic = topics.deadLetters().name();
    this.resultSerializer = serdes.valueSerde(topics.expertResults()).serializer();
    this.offsets = offsets;
    this.meters = meters;
    this.clock = clock;
    this.onFailure = onFailure;
  }

  @Override
  public void answered(Pending task, Outcome.Answer answer, long callMs) {
    meters.settled(ResultStatus.OK);
    send(
        task,
        ExpertResult.newBuilder()
            .setRequestId(task.requestId())
            .setExpert(expert)
            .setStatus(ResultStatus.OK)
            .setOutput(answer.output())
            .setLatencyMs(answer.latencyMs().orElse(callMs))
            .setCost(answer.cost().orElse(pricePerCall))
            .setConfidence(
                answer.confidence().isPresent() ? answer.confidence().getAsDouble() : null)
            .setErrorMessage(null)
            .setCompletedAtMs(clock.getAsLong())
            .setDeadlineMs(task.deadlineMs())
            .build());
  }

  @Override
  public void failed(Pending task, ResultStatus status, String message, long latencyMs) {
    meters.settled(status);
    send(
        task,
        ExpertResult.newBuilder()
            .setRequestId(task.requestId())
            .setExpert(expert)
            .setStatus(status)
            .setOutput(null)
            .setLatencyMs(latencyMs)
            .setCost(0.0)
            .setErrorMessage(message)
            .setCompletedAtMs(clock.getAsLong())
            .setDeadlineMs(task.deadlineMs())
            .build());
  }

  /** Moves a record that is not a task of this expert to the dead-letter topic, saying why. */
  void deadLetter(
      ConsumerRecord<byte[], byte[]> record, OffsetTracker.Position position, String reason) {
    meters.deadLettered();
    LOG.warn(
        "expert {}: dead-lettering {}-{}@{}: {}",
        expert,
        record.topic(),
        record.partition(),
        record.offset(),
        reason);
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(deadLetterTopic, record.key(), record.value());
    Headers headers = letter.headers();
    header(headers, GatestreamHeaders.DLQ_REASON, reason);
    header(headers, GatestreamHeaders.DLQ_STAGE, "expert " + expert);
    header(headers, GatestreamHeaders.DLQ_SOURCE_TOPIC, record.topic());
    header(headers, GatestreamHeaders.DLQ_SOURCE_PARTITION, String.valueOf(record.partition()));
    header(headers, GatestreamHeaders.DLQ_SOURCE_OFFSET, String.valueOf(record.offset()));
    header(headers, GatestreamHeaders.DLQ_TIMESTAMP, String.valueOf(clock.getAsLong()));
    // As every stage's letters carry it, so that a reader tells an empty record from a cut one.
    header(
        headers,
        GatestreamHeaders.DLQ_ORIGINAL_SIZE,
        String.valueOf(record.value() == null ? 0 : record.value().length));
    producer.send(
        letter,
        (metadata, e) -> {
          if (e == null) {
            offsets.acknowledge(position);
          } else {
            onFailure.accept(
                new KafkaException(
                    "expert "
                        + expert
                        + ": cannot write to the dead-letter topic "
                        + deadLetterTopic
                        + ": "
                        + e.getMessage(),
                    e));
          }
        });
  }

  /** Waits until every write so far is acknowledged or failed. */
  void flush() {
    producer.flush();
  }

  private void send(Pending task, ExpertResult result) {
    byte[] key = task.requestId().getBytes(StandardCharsets.UTF_8);
    byte[] value = resultSerializer.serialize(resultTopic, result);
    producer.send(
        new ProducerRecord<>(resultTopic, key, value),
        (metadata, e) -> {
          if (e == null) {
            offsets.acknowledge(task.position());
          } else {
            onFailure.accept(
                new KafkaException(
                    "expert "
                        + expert
                        + ": cannot write the result of request "
                        + task.requestId()
                        + " to "
                        + resultTopic
                        + ": "
                        + e.getMessage(),
                    e));
          }
        });
  }

  private static void header(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
