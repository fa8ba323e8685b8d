package dev.gatestream.experts;

import dev.gatestream.clients.DeadLetter;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.TransientFailures;
import dev.gatestream.topics.ExpertId;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of an expert: consumes the expert's task topic in the consumer group shared by all
 * its instances, answers tasks in micro-batches through an {@link ExpertBackend}, and writes
 * exactly one {@link ExpertResult} per task (OK, ERROR, EXPIRED or REJECTED), keyed by request id.
 * This class is the loop that wires the parts: the {@link Batcher} (batches, back-pressure), the
 * {@link CallPolicy} (expiry, retries, circuit breaker), the {@link ResultPublisher} (results and
 * dead letters) and the {@link OffsetTracker} (what is done, commits).
 *
 * <p>Delivery is at least once: offsets are committed only past tasks whose results the broker has
 * acknowledged, so after a crash some tasks are answered again and their results written twice.
 * That is harmless because fusion keeps one result per (request id, expert).
 *
 * <p>Work in memory is bounded: at most {@code concurrency} batches are in flight, and while they
 * are, the worker pauses its partitions (it keeps polling, so it stays in the group) instead of
 * buffering more. Records that are not task records go to the dead-letter topic, bytes unchanged.
 *
 * <p>Each worker has its own circuit breaker, so one sick instance does not silence the others. Its
 * meters ({@link ExpertMeters}, and the consumer's own through Micrometer's Kafka binder, lag
 * included) go on the registry it is given.
 *
 * <p>{@link #run()} is the polling loop, to be run on a thread of its own; {@link #close()} stops
 * it from any thread, lets batches in flight finish for a while, commits what is done, and closes
 * the clients and the backend. On a rebalance, what is done in the revoked partitions is committed
 * and their tasks not yet started are dropped for the new owner; batches already started still
 * write their results.
 */
public final class ExpertWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExpertWorker.class);
  private static final long MAX_POLL_WAIT_MS = 100;
  private static final long MAX_SHUTDOWN_GRACE_MS = 30_000;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final ExpertSpec spec;
  private final ExpertBackend backend;
  private final String taskTopic;
  private final Deserializer<ExpertTask> taskDeserializer;
  private final CircuitBreaker breaker;
  private final OffsetTracker offsets;
  private final Batcher batcher;
  private final ExpertMeters meters;
  private final KafkaClientMetrics consumerMeters;
  private final ResultPublisher publisher;
  private final CallPolicy policy;
  private final ExecutorService pool;

  private final AtomicReference<KafkaException> fatal = new AtomicReference<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;

  /**
   * A worker on clients the caller made: the consumer must read bytes with auto-commit off and the
   * group id of {@link dev.gatestream.clients.ClientIds#expert}; the producer must write bytes,
   * idempotently. The worker subscribes the consumer, and closes both clients and the backend.
   *
   * @param clientId the clients' {@code client.id}, which tags this worker's gauges
   * @param maxRequestSize the producer's max.request.size, which dead letters are cut to
   */
  public ExpertWorker(
      String clientId,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      int maxRequestSize,
      Topics topics,
      GatestreamSerdes serdes,
      ExpertSpec spec,
      ExpertBackend backend,
      MeterRegistry registry) {
    this(
        clientId,
        consumer,
        producer,
        maxRequestSize,
        topics,
        serdes,
        spec,
        backend,
        registry,
        Clock.systemUTC(),
        Thread::sleep);
  }

  /**
   * @param sleeper waits out the backoff before a retry
   */
  ExpertWorker(
      String clientId,
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> producer,
      int maxRequestSize,
      Topics topics,
      GatestreamSerdes serdes,
      ExpertSpec spec,
      ExpertBackend backend,
      MeterRegistry registry,
      Clock clock,
      CallPolicy.Sleeper sleeper) {
    this.consumer = consumer;
    this.producer = producer;
    this.spec = spec;
    this.backend = backend;
    this.taskTopic = topics.expertTasks(spec.name()).name();
    this.taskDeserializer = serdes.valueSerde(topics.expertTasks(spec.name())).deserializer();
    this.breaker = new CircuitBreaker(spec.circuitBreaker(), clock::millis);
    this.offsets = new OffsetTracker(consumer, spec.name());
    this.batcher =
        new Batcher(spec.batchSize(), spec.batchLingerMs(), spec.concurrency(), clock::millis);
    this.meters =
        new ExpertMeters(
            registry, spec.name(), clientId, breaker::state, batcher::inFlight, batcher::buffered);
    // Tagged like the Streams stages' client meters (stage only): Prometheus wants one tag set per
    // name.
    this.consumerMeters =
        new KafkaClientMetrics(consumer, Tags.of("stage", "expert-" + spec.name()));
    consumerMeters.bindTo(registry);
    this.publisher =
        new ResultPublisher(
            producer,
            maxRequestSize,
            topics,
            serdes,
            spec,
            offsets,
            meters,
            clock::millis,
            e -> fatal.compareAndSet(null, e));
    this.policy = new CallPolicy(spec, backend, breaker, meters, publisher, clock, sleeper);
    String id = ExpertId.of(spec.name());
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "expert-" + id + "-call-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.pool = Executors.newFixedThreadPool(spec.concurrency(), factory);
  }

  /**
   * A worker with its own Kafka clients. It owns {@code backend} from here on, and closes it even
   * when it cannot be made.
   *
   * @param config the topic prefix, partitions and replication come from here
   * @param registry where the worker's meters go
   */
  public static ExpertWorker create(
      KafkaClients clients,
      GatestreamConfig config,
      GatestreamSerdes serdes,
      ExpertSpec spec,
      ExpertBackend backend,
      MeterRegistry registry) {
    return create(clients, config, serdes, spec, backend, registry, null);
  }

  /**
   * A worker with its own Kafka clients that joins the expert's group as {@code member} of this
   * process: with a configured instance id, a worker made again with the same member takes its
   * predecessor's partitions back without a rebalance.
   *
   * @param member e.g. the worker's index in this process; null when it is the only one
   */
  public static ExpertWorker create(
      KafkaClients clients,
      GatestreamConfig config,
      GatestreamSerdes serdes,
      ExpertSpec spec,
      ExpertBackend backend,
      MeterRegistry registry,
      String member) {
    String group = clients.ids().expert(spec.name());
    String clientId = group + "-" + INSTANCES.incrementAndGet();
    List<AutoCloseable> made = new ArrayList<>(List.of(backend));
    try {
      Map<String, Object> tuning = new HashMap<>(clients.staticMembership(member));
      // What one poll may add to the buffer: about what the batches in flight hold.
      tuning.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, spec.batchSize() * spec.concurrency());
      KafkaConsumer<byte[], byte[]> consumer =
          clients.consumer(
              clientId, group, tuning, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      made.add(consumer);
      KafkaProducer<byte[], byte[]> producer =
          clients.producer(
              clientId, Map.of(), new ByteArraySerializer(), new ByteArraySerializer());
      made.add(producer);
      return new ExpertWorker(
          clientId,
          consumer,
          producer,
          DeadLetter.maxRequestSize(clients.producerProperties(clientId, Map.of())),
          Topics.from(config),
          serdes,
          spec,
          backend,
          registry);
    } catch (RuntimeException e) {
      made.forEach(c -> closeQuietly(spec, c));
      throw e;
    }
  }

  public ExpertSpec spec() {
    return spec;
  }

  /**
   * Polls, answers and commits until {@link #close()}.
   *
   * @throws KafkaException when a result cannot be written: the worker has stopped, and uncommitted
   *     tasks will be answered by the next instance that owns their partitions
   */
  @Override
  public void run() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("worker of " + spec.name() + " already ran");
    }
    try {
      subscribe();
      while (running) {
        try {
          pollOnce();
        } catch (WakeupException e) {
          // close() woke the poll; the loop condition decides.
        }
      }
    } finally {
      shutdown();
      stopped.countDown();
    }
  }

  /** Stops the worker and waits until it has committed what is done and closed its clients. */
  @Override
  public void close() {
    running = false;
    if (stopped.getCount() == 0) {
      return;
    }
    if (started.compareAndSet(false, true)) {
      shutdown();
      stopped.countDown();
      return;
    }
    consumer.wakeup();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The expert's counts on this worker's registry (all its workers there add up) and this worker's
   * current load.
   */
  public Metrics metrics() {
    return new Metrics(
        meters.receivedCount(),
        meters.settledCount(ResultStatus.OK),
        meters.settledCount(ResultStatus.ERROR),
        meters.settledCount(ResultStatus.EXPIRED),
        meters.settledCount(ResultStatus.REJECTED),
        meters.deadLetterCount(),
        meters.batchCount(),
        meters.retryCount(),
        batcher.inFlight(),
        batcher.buffered(),
        batcher.paused(),
        breaker.state());
  }

  /**
   * An expert's counters, read from its meters, and one worker's load.
   *
   * @param tasks task records received (dead letters not included)
   * @param batches backend batches started
   * @param retries task retries after transient failures
   * @param inFlight batches being answered now
   * @param buffered tasks received and not yet in a batch
   * @param paused whether the partitions are paused for back-pressure
   */
  public record Metrics(
      long tasks,
      long ok,
      long errors,
      long expired,
      long rejected,
      long deadLetters,
      long batches,
      long retries,
      int inFlight,
      int buffered,
      boolean paused,
      CircuitBreaker.State circuit) {}

  void subscribe() {
    consumer.subscribe(
        List.of(taskTopic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            offsets.commitRevoked(partitions);
            batcher.drop(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
            batcher.drop(partitions);
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Progress starts with the first record seen; nothing to set up.
          }
        });
  }

  /** One round of the loop: take in records, start batches, apply back-pressure, commit. */
  void pollOnce() {
    throwIfFatal();
    if (batcher.paused()) {
      // Nothing can come from paused partitions: wait for a batch to end, then poll at once to
      // stay in the group.
      try {
        batcher.awaitEnd(MAX_POLL_WAIT_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
    Duration wait = Duration.ofMillis(batcher.pollWaitMs(MAX_POLL_WAIT_MS));
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(wait)) {
      intake(record);
    }
    for (List<Pending> batch : batcher.take()) {
      meters.batchStarted();
      pool.execute(() -> answer(batch));
    }
    batcher.applyBackPressure(consumer);
    offsets.commitAsync();
    throwIfFatal();
  }

  private void intake(ConsumerRecord<byte[], byte[]> record) {
    OffsetTracker.Position position = offsets.track(record);
    ExpertTask task;
    try {
      task =
          record.value() == null
              ? null
              : taskDeserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      if (TransientFailures.isTransient(e)) {
        // The registry, not the task: the serdes retried it for their budget. The worker stops
        // uncommitted, and the task is read again when it is restarted.
        throw new KafkaException(
            "expert " + spec.name() + ": cannot read a task for now: " + e.getMessage(), e);
      }
      publisher.deadLetter(record, position, "not an ExpertTask: " + e.getMessage());
      return;
    }
    if (task == null) {
      publisher.deadLetter(record, position, "empty task record");
    } else if (!spec.name().equals(task.getExpert())) {
      publisher.deadLetter(
          record,
          position,
          "a task for expert '"
              + task.getExpert()
              + "' on the task topic of '"
              + spec.name()
              + "'");
    } else {
      meters.received();
      batcher.add(task, position);
    }
  }

  /** Answers one batch on a pool thread. */
  private void answer(List<Pending> batch) {
    try {
      policy.answer(batch);
    } catch (InterruptedException e) {
      // Shutting down: the tasks get no result now and are not committed, so they are redone.
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fatal.compareAndSet(null, new KafkaException("expert " + spec.name() + " failed", e));
    } finally {
      batcher.ended();
    }
  }

  private void throwIfFatal() {
    KafkaException e = fatal.get();
    if (e != null) {
      throw e;
    }
  }

  private void shutdown() {
    pool.shutdown();
    try {
      // Batches in flight finish so that their results are written and committed: less to redo.
      long grace = Math.min(MAX_SHUTDOWN_GRACE_MS, spec.timeoutMs());
      if (!pool.awaitTermination(grace, TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
        pool.awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try {
      publisher.flush();
      offsets.commitAll();
    } catch (KafkaException e) {
      LOG.warn(
          "expert {}: final commit failed; uncommitted tasks will be redone: {}",
          spec.name(),
          e.toString());
    } finally {
      // The binder reads the consumer's metrics, so it goes first.
      List.of(consumerMeters, meters, consumer, producer, backend)
          .forEach(c -> closeQuietly(spec, c));
    }
  }

  private static void closeQuietly(ExpertSpec spec, AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn(
          "expert {}: cannot close {}: {}",
          spec.name(),
          closeable.getClass().getSimpleName(),
          e.toString());
    }
  }
}
