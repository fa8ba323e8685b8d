package dev.gatestream.experts;

import static dev.gatestream.experts.TestTasks.farFuture;
import static dev.gatestream.experts.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.RegistryUnavailableException;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's loop end to end on mock clients. Time is a manual clock and retry backoffs advance
 * it, so nothing here waits for the wall clock; what does wait (pool threads) waits for conditions.
 */
class ExpertWorkerTest {

  private static final String EXPERT = "org/model-1.5";
  private static final String CLIENT_ID = "gs-expert-org-model-1.5-1";

  private final Topics topics = new Topics("gs-", 2, (short) 1);
  private final AtomicBoolean registryDown = new AtomicBoolean();
  // In-memory serdes whose reads fail as the registry serdes do when the registry stays down.
  private final GatestreamSerdes serdes = new OutageSerdes(GatestreamSerdes.inMemory());
  private final String taskTopic = topics.expertTasks(EXPERT).name();
  private final TopicPartition p0 = new TopicPartition(taskTopic, 0);
  private final TopicPartition p1 = new TopicPartition(taskTopic, 1);
  private final Serializer<ExpertTask> taskSerializer =
      serdes.valueSerde(topics.expertTasks(EXPERT)).serializer();
  private final Deserializer<ExpertResult> resultDeserializer =
      serdes.valueSerde(topics.expertResults()).deserializer();
  private final MeteredConsumer consumer = new MeteredConsumer();
  private final long[] nextOffset = new long[2];
  private final ManualClock clock = new ManualClock(System.currentTimeMillis());
  private final List<Long> backoffs = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private ExpertWorker worker;

  /** A consumer with the fetch manager's lag metric a real one has, that signals its commits. */
  private static final class MeteredConsumer extends MockConsumer<byte[], byte[]> {
    final Metrics kafkaMetrics = new Metrics();
    final Semaphore commits = new Semaphore(0);

    MeteredConsumer() {
      super("earliest");
      MetricName lag =
          kafkaMetrics.metricName(
              "records-lag-max",
              "consumer-fetch-manager-metrics",
              "",
              Map.of("client-id", CLIENT_ID));
      kafkaMetrics.addMetric(lag, (Measurable) (config, now) -> 42);
    }

    @Override
    public synchronized Map<MetricName, ? extends Metric> metrics() {
      return kafkaMetrics.metrics();
    }

    @Override
    public synchronized void commitAsync(
        Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
      super.commitAsync(offsets, callback);
      commits.release();
    }
  }

  /** A backend that answers each task by a script and records the batches it got. */
  private static final class ScriptedBackend implements ExpertBackend {
    final List<List<String>> batches = new CopyOnWriteArrayList<>();
    volatile Function<ExpertTask, Outcome> script = t -> Outcome.answer(new Score(0.5));
    volatile CountDownLatch gate = new CountDownLatch(0);
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) {
      batches.add(tasks.stream().map(ExpertTask::getRequestId).toList());
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return tasks.stream().map(script).toList();
    }

    int calls() {
      return batches.size();
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private final ScriptedBackend backend = new ScriptedBackend();

  /** A producer whose sends the test acknowledges or fails one by one. */
  private static MockProducer<byte[], byte[]> manualProducer() {
    return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static ExpertSpec spec(
      int concurrency,
      int batchSize,
      long lingerMs,
      int maxRetries,
      long backoffMs,
      ExpertSpec.CircuitBreakerSettings breaker) {
    return new ExpertSpec(
        EXPERT,
        new BackendSettings.Replay(
            List.of(Path.of("unused.csv")), BackendSettings.ReplayAnswer.SCORE, 0),
        0.02,
        concurrency,
        batchSize,
        lingerMs,
        5_000,
        maxRetries,
        backoffMs,
        breaker);
  }

  private ExpertWorker worker(ExpertSpec spec) {
    // Backoffs pass on the manual clock at once.
    return new ExpertWorker(
        CLIENT_ID,
        consumer,
        producer,
        1024 * 1024,
        topics,
        serdes,
        spec,
        backend,
        registry,
        clock,
        ms -> {
          backoffs.add(ms);
          clock.advance(ms);
        });
  }

  private void start(ExpertSpec spec) {
    worker = worker(spec);
    worker.subscribe();
    consumer.rebalance(List.of(p0, p1));
    consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
  }

  @AfterEach
  void stop() {
    backend.gate.countDown();
    if (worker != null) {
      worker.close();
    }
  }

  private void send(int partition, ExpertTask task) {
    send(partition, task.getRequestId(), taskSerializer.serialize(taskTopic, task));
  }

  private void send(int partition, String key, byte[] value) {
    consumer.addRecord(
        new ConsumerRecord<>(
            taskTopic,
            partition,
            nextOffset[partition]++,
            key.getBytes(StandardCharsets.UTF_8),
            value));
  }

  private void pollUntil(String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waiting for " + what).isLessThan(deadline);
      worker.pollOnce();
    }
  }

  private List<ExpertResult> results() {
    return producer.history().stream()
        .filter(r -> r.topic().equals(topics.expertResults().name()))
        .map(r -> resultDeserializer.deserialize(r.topic(), r.value()))
        .toList();
  }

  private ExpertResult result(String requestId) {
    return results().stream()
        .filter(r -> r.getRequestId().equals(requestId))
        .findFirst()
        .orElseThrow();
  }

  private Long committed(TopicPartition partition) {
    OffsetAndMetadata offset = consumer.committed(Set.of(partition)).get(partition);
    return offset == null ? null : offset.offset();
  }

  @Test
  void answersEveryTaskOnceKeyedByRequestIdAndCommitsPastThem() {
    start(spec(2, 2, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    for (int i = 0; i < 5; i++) {
      send(i % 2, task("r" + i, EXPERT, farFuture()));
    }

    pollUntil("five results", () -> results().size() == 5);
    pollUntil(
        "commits",
        () -> Long.valueOf(3).equals(committed(p0)) && Long.valueOf(2).equals(committed(p1)));
    // A pool thread counts its batch done just after sending its results, which the commits may
    // overtake.
    pollUntil("no batch in flight", () -> worker.metrics().inFlight() == 0);

    ExpertResult r0 = result("r0");
    assertThat(r0.getStatus()).isEqualTo(ResultStatus.OK);
    assertThat(r0.getExpert()).isEqualTo(EXPERT);
    assertThat(r0.getOutput()).isEqualTo(new Score(0.5));
    assertThat(r0.getCost()).as("the price per call").isEqualTo(0.02);
    assertThat(r0.getErrorMessage()).isNull();
    assertThat(producer.history())
        .allSatisfy(r -> assertThat(r.topic()).isEqualTo("gs-expert-results"));
    assertThat(producer.history().stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrder("r0", "r1", "r2", "r3", "r4");
    assertThat(worker.metrics())
        .satisfies(
            m -> {
              assertThat(m.tasks()).isEqualTo(5);
              assertThat(m.ok()).isEqualTo(5);
              assertThat(m.inFlight()).isZero();
            });
  }

  @Test
  void groupsTasksIntoBatchesAndSendsAPartialBatchAfterTheLinger() {
    start(spec(1, 4, 300, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    for (int i = 0; i < 10; i++) {
      send(0, task("r" + i, EXPERT, farFuture()));
    }

    pollUntil("two full batches", () -> backend.calls() == 2 && worker.metrics().inFlight() == 0);
    clock.advance(299);
    for (int i = 0; i < 3; i++) {
      worker.pollOnce();
    }
    assertThat(worker.metrics().buffered()).as("still lingering").isEqualTo(2);
    clock.advance(1);
    pollUntil("the partial batch", () -> results().size() == 10);

    assertThat(backend.batches).extracting(List::size).containsExactly(4, 4, 2);
    assertThat(worker.metrics().batches()).isEqualTo(3);
  }

  @Test
  void pausesThePartitionsWhileTheInFlightLimitIsReachedAndResumesAfter() {
    start(spec(2, 1, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    backend.gate = new CountDownLatch(1);
    for (int i = 0; i < 4; i++) {
      send(0, task("r" + i, EXPERT, farFuture()));
    }

    pollUntil("two batches in flight", () -> worker.metrics().inFlight() == 2);
    worker.pollOnce();

    assertThat(consumer.paused()).containsExactlyInAnyOrder(p0, p1);
    assertThat(worker.metrics().paused()).isTrue();
    assertThat(worker.metrics().buffered()).isEqualTo(2);
    // Records that arrive while paused stay in Kafka, not in the worker.
    send(1, task("late", EXPERT, farFuture()));
    for (int i = 0; i < 3; i++) {
      worker.pollOnce();
    }
    assertThat(worker.metrics().tasks()).isEqualTo(4);
    assertThat(results()).isEmpty();

    backend.gate.countDown();
    pollUntil("all answered", () -> results().size() == 5);
    pollUntil("resumed", () -> !worker.metrics().paused());

    assertThat(consumer.paused()).isEmpty();
    assertThat(worker.metrics().tasks()).isEqualTo(5);
  }

  @Test
  void theCircuitOpensAfterConsecutiveFailuresRejectsThenClosesOnAGoodProbe() {
    start(spec(1, 1, 0, 0, 0, new ExpertSpec.CircuitBreakerSettings(2, 300)));
    backend.script = t -> Outcome.transientFailure("HTTP 503 from http://llm");
    send(0, task("a", EXPERT, farFuture()));
    send(0, task("b", EXPERT, farFuture()));
    pollUntil("two errors", () -> results().size() == 2);

    send(0, task("c", EXPERT, farFuture()));
    pollUntil("a rejection", () -> results().size() == 3);

    assertThat(result("c").getStatus()).isEqualTo(ResultStatus.REJECTED);
    assertThat(result("c").getErrorMessage()).isEqualTo("circuit open: HTTP 503 from http://llm");
    assertThat(backend.calls()).isEqualTo(2);
    assertThat(worker.metrics().circuit()).isEqualTo(CircuitBreaker.State.OPEN);

    backend.script = t -> Outcome.answer(new Score(1.0));
    clock.advance(300);
    send(0, task("d", EXPERT, farFuture()));
    pollUntil("the probe's result", () -> results().size() == 4);

    assertThat(result("d").getStatus()).isEqualTo(ResultStatus.OK);
    assertThat(worker.metrics().circuit()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(worker.metrics().rejected()).isEqualTo(1);
  }

  @Test
  void deadLettersRecordsThatAreNotTasksAndKeepsGoing() {
    start(spec(1, 8, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    byte[] garbage = "{not avro".getBytes(StandardCharsets.UTF_8);
    send(0, "junk", garbage);
    send(0, task("other", "someone-else", farFuture()));
    send(0, task("good", EXPERT, farFuture()));

    pollUntil("the good result", () -> results().size() == 1);
    pollUntil("a commit past all three", () -> Long.valueOf(3).equals(committed(p0)));

    // The letters' headers are ResultPublisherTest's; here, why each record is one.
    List<ProducerRecord<byte[], byte[]>> letters =
        producer.history().stream().filter(r -> r.topic().equals("gs-dead-letters")).toList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).value()).isEqualTo(garbage);
    assertThat(header(letters.get(0), GatestreamHeaders.DLQ_REASON))
        .startsWith("not an ExpertTask: ");
    assertThat(header(letters.get(1), GatestreamHeaders.DLQ_REASON))
        .isEqualTo("a task for expert 'someone-else' on the task topic of '" + EXPERT + "'");
    assertThat(worker.metrics().deadLetters()).isEqualTo(2);
    assertThat(worker.metrics().tasks()).isEqualTo(1);
  }

  @Test
  void aTaskTheRegistryCannotResolveForNowStopsTheWorkerUncommittedInsteadOfDeadLetteringIt() {
    start(spec(1, 8, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    send(0, task("good", EXPERT, farFuture()));
    registryDown.set(true);

    assertThatThrownBy(() -> worker.pollOnce())
        .isInstanceOf(KafkaException.class)
        .hasMessageContaining("cannot read a task for now");

    assertThat(producer.history()).isEmpty();
    assertThat(committed(p0)).isNull();
    assertThat(worker.metrics().deadLetters()).isZero();
  }

  /** Serdes whose deserializers fail transiently while {@link #registryDown} is set. */
  private final class OutageSerdes implements GatestreamSerdes {
    private final GatestreamSerdes delegate;

    OutageSerdes(GatestreamSerdes delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T extends SpecificRecord> Serde<T> avro(Class<T> type, boolean isKey) {
      Serde<T> serde = delegate.avro(type, isKey);
      Deserializer<T> reads =
          (topic, data) -> {
            if (registryDown.get()) {
              throw new RegistryUnavailableException(
                  "registry unavailable for 120000 ms", new ConnectException("refused"));
            }
            return serde.deserializer().deserialize(topic, data);
          };
      return Serdes.serdeFrom(serde.serializer(), reads);
    }
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void commitsOnlyPastResultsTheBrokerAcknowledged() {
    producer = manualProducer();
    start(spec(2, 1, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    CountDownLatch slowGate = new CountDownLatch(1);
    backend.script =
        t -> {
          if (t.getRequestId().equals("slow")) {
            try {
              slowGate.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return Outcome.answer(new Score(1.0));
        };
    send(0, task("slow", EXPERT, farFuture()));
    send(0, task("fast", EXPERT, farFuture()));

    pollUntil("the fast result sent", () -> producer.history().size() == 1);
    producer.completeNext();
    for (int i = 0; i < 3; i++) {
      worker.pollOnce();
    }
    assertThat(committed(p0)).as("offset 0 is not done yet").isNull();

    slowGate.countDown();
    pollUntil("the slow result sent", () -> producer.history().size() == 2);
    worker.pollOnce();
    assertThat(committed(p0)).as("sent but not acknowledged").isNull();
    producer.completeNext();
    pollUntil("the commit", () -> Long.valueOf(2).equals(committed(p0)));
  }

  @Test
  void aResultThatCannotBeWrittenStopsTheWorker() {
    producer = manualProducer();
    start(spec(1, 1, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    send(0, task("r", EXPERT, farFuture()));
    pollUntil("the result sent", () -> producer.history().size() == 1);

    producer.errorNext(new KafkaException("broker gone"));

    assertThatThrownBy(() -> pollUntil("never", () -> false))
        .isInstanceOf(KafkaException.class)
        .hasMessageContaining("cannot write the result of request r to gs-expert-results")
        .hasMessageContaining("broker gone");
    assertThat(committed(p0)).isNull();
  }

  @Test
  void revokedPartitionsAreCommittedAndTheirBufferedTasksDropped() {
    start(spec(1, 1, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    send(0, task("done", EXPERT, farFuture()));
    pollUntil("the first result committed", () -> Long.valueOf(1).equals(committed(p0)));
    backend.gate = new CountDownLatch(1);
    send(0, task("a", EXPERT, farFuture()));
    send(1, task("b", EXPERT, farFuture()));
    pollUntil(
        "one at the backend, one buffered",
        () -> backend.calls() == 2 && worker.metrics().buffered() == 1);
    boolean aIsBusy = backend.batches.get(1).equals(List.of("a"));
    TopicPartition kept = aIsBusy ? p0 : p1;

    consumer.rebalance(List.of(kept));

    assertThat(worker.metrics().buffered()).isZero();
    backend.gate.countDown();
    pollUntil("the busy task's result", () -> results().size() == 2);
    pollUntil("its commit", () -> Long.valueOf(kept == p0 ? 2 : 1).equals(committed(kept)));
    // The buffered task of the revoked partition is left to its next owner.
    assertThat(results())
        .extracting(ExpertResult::getRequestId)
        .containsExactly("done", aIsBusy ? "a" : "b");
  }

  @Test
  void runsUntilClosedThenCommitsAndClosesItsClients() throws Exception {
    ExpertSpec spec = spec(2, 4, 5, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS);
    worker = worker(spec);
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(p0, p1));
          consumer.updateBeginningOffsets(Map.of(p0, 0L, p1, 0L));
          for (int i = 0; i < 20; i++) {
            send(i % 2, task("r" + i, EXPERT, farFuture()));
          }
        });
    Thread runner = new Thread(worker, "worker-under-test");
    runner.start();
    while (!(Long.valueOf(10).equals(committed(p0)) && Long.valueOf(10).equals(committed(p1)))) {
      assertThat(consumer.commits.tryAcquire(10, TimeUnit.SECONDS))
          .as("waiting for commits")
          .isTrue();
    }

    worker.close();
    runner.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(runner.isAlive()).isFalse();
    assertThat(results()).hasSize(20);
    assertThat(worker.metrics().ok()).isEqualTo(20);
    assertThat(consumer.closed()).isTrue();
    assertThat(producer.closed()).isTrue();
    assertThat(backend.closed).as("the worker owns its backend").isTrue();
  }

  @Test
  void buffersNoMoreThanAPartialBatchAndOnePoll() {
    start(spec(1, 3, 0, 0, 0, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    // What create() sets max.poll.records to: batchSize × concurrency.
    consumer.setMaxPollRecords(3);
    backend.gate = new CountDownLatch(1);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      send(0, task("r" + i, EXPERT, farFuture()));
      ids.add("r" + i);
    }
    int mostBuffered = 0;
    for (int i = 0; i < 20; i++) {
      worker.pollOnce();
      mostBuffered = Math.max(mostBuffered, worker.metrics().buffered());
    }
    assertThat(worker.metrics().tasks()).isLessThanOrEqualTo(3 + 5);
    backend.gate.countDown();
    while (results().size() < 50) {
      worker.pollOnce();
      mostBuffered = Math.max(mostBuffered, worker.metrics().buffered());
    }

    assertThat(mostBuffered).isLessThanOrEqualTo(2 + 3);
    assertThat(backend.batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(3));
    assertThat(backend.batches.stream().flatMap(List::stream)).containsExactlyElementsOf(ids);
  }

  @Test
  void itsMetersAreOnTheRegistryTaggedWithTheExpertAndGoWhenItCloses() {
    start(spec(1, 2, 0, 1, 10, ExpertSpec.CircuitBreakerSettings.DEFAULTS));
    AtomicInteger attempts = new AtomicInteger();
    backend.script =
        t ->
            t.getRequestId().equals("flaky") && attempts.incrementAndGet() == 1
                ? Outcome.transientFailure("HTTP 503")
                : Outcome.answer(new Score(1.0));
    send(0, task("flaky", EXPERT, farFuture()));
    send(0, task("ok", EXPERT, farFuture()));
    send(0, task("late", EXPERT, clock.millis() - 1));
    send(0, "junk", "{not avro".getBytes(StandardCharsets.UTF_8));
    pollUntil("three results", () -> results().size() == 3);
    pollUntil("no batch in flight", () -> worker.metrics().inFlight() == 0);

    assertThat(tasks("ok")).isEqualTo(2);
    assertThat(tasks("expired")).isEqualTo(1);
    assertThat(tasks("dead_letter")).isEqualTo(1);
    assertThat(tasks("error")).isZero();
    assertThat(backoffs).as("one retry, after the backoff").containsExactly(10L);
    assertThat(
            registry
                .get(ExpertMeters.RETRIES)
                .tag(ExpertMeters.EXPERT_TAG, EXPERT)
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            registry.get(ExpertMeters.LATENCY).tag(ExpertMeters.EXPERT_TAG, EXPERT).timer().count())
        .as("two backend calls: the batch and the retry")
        .isEqualTo(2);
    assertThat(gauge(ExpertMeters.INFLIGHT)).isZero();
    assertThat(gauge(ExpertMeters.BUFFERED)).isZero();
    assertThat(gauge(ExpertMeters.BREAKER_STATE)).isZero();
    // The consumer's own metrics, lag included, through Micrometer's Kafka binder.
    assertThat(
            registry
                .get("kafka.consumer.fetch.manager.records.lag.max")
                .tag("stage", "expert-" + EXPERT)
                .tag("client.id", CLIENT_ID)
                .gauge()
                .value())
        .isEqualTo(42);
    assertThat(worker.metrics())
        .satisfies(
            m -> {
              assertThat(m.tasks()).isEqualTo(3);
              assertThat(m.ok()).isEqualTo(2);
              assertThat(m.expired()).isEqualTo(1);
              assertThat(m.deadLetters()).isEqualTo(1);
              assertThat(m.retries()).isEqualTo(1);
              assertThat(m.batches()).isEqualTo(2);
            });

    worker.close();

    assertThat(registry.find("kafka.consumer.fetch.manager.records.lag.max").meters()).isEmpty();
    assertThat(registry.find(ExpertMeters.INFLIGHT).meters()).isEmpty();
    assertThat(tasks("ok")).as("the counts are the expert's and stay").isEqualTo(2);
  }

  private double tasks(String outcome) {
    return registry
        .get(ExpertMeters.TASKS)
        .tag(ExpertMeters.EXPERT_TAG, EXPERT)
        .tag(ExpertMeters.OUTCOME_TAG, outcome)
        .counter()
        .count();
  }

  private double gauge(String name) {
    return registry
        .get(name)
        .tag(ExpertMeters.EXPERT_TAG, EXPERT)
        .tag(ExpertMeters.CLIENT_ID_TAG, CLIENT_ID)
        .gauge()
        .value();
  }
}
