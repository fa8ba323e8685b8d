package dev.gatestream.experts;

import dev.gatestream.clients.DeadLetter;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what became of each task record: one {@link ExpertResult} keyed by request id, or the
 * record itself to the dead-letter topic, as every stage writes it ({@link DeadLetter}: its headers
 * kept, cut to what the producer may write). A record counts as done (its offset is acknowledged to
 * the {@link OffsetTracker}) only once the broker has acknowledged the write; a write that fails is
 * reported to {@code onFailure}, which stops the worker. Thread-safe.
 */
final class ResultPublisher implements CallPolicy.Results {

  private static final Logger LOG = LoggerFactory.getLogger(ResultPublisher.class);

  private final Producer<byte[], byte[]> producer;
  private final String expert;
  private final double pricePerCall;
  private final String resultTopic;
  private final String deadLetterTopic;
  private final int maxRequestSize;
  private final Serializer<ExpertResult> resultSerializer;
  private final OffsetTracker offsets;
  private final ExpertMeters meters;
  private final LongSupplier clock;
  private final Consumer<KafkaException> onFailure;

  /**
   * @param maxRequestSize the producer's max.request.size, which dead letters are cut to
   * @param clock the current time in milliseconds, for completion and dead-letter timestamps
   */
  ResultPublisher(
      Producer<byte[], byte[]> producer,
      int maxRequestSize,
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
    this.maxRequestSize = maxRequestSize;
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
        DeadLetter.of(record.key(), record.value(), record.headers().toArray())
            .reason("expert " + expert, reason)
            .source(record.topic(), record.partition(), record.offset())
            .at(clock.getAsLong())
            .fitTo(maxRequestSize)
            .toProducerRecord(deadLetterTopic);
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
}
