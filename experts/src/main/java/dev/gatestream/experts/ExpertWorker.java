package dev.gatestream.experts;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.ExpertId;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of an expert: consumes the expert's task topic in the consumer group shared by all
 * its instances, answers tasks in micro-batches through an {@link ExpertBackend}, and writes
 * exactly one {@link ExpertResult} per task (OK, ERROR, EXPIRED or REJECTED), keyed by request id.
 *
 * <p>Delivery is at least once: offsets are committed only past tasks whose results the broker has
 * acknowledged, so after a crash some tasks are answered again and their results written twice.
 * That is harmless because fusion keeps one result per (request id, expert).
 *
 * <p>Work in memory is bounded: at most {@code concurrency} batches are in flight, and while they
 * are, the worker pauses its partitions (it keeps polling, so it stays in the group) instead of
 * buffering more. Records that are not task records go to the dead-letter topic, bytes unchanged.
 *
 * <p>Each worker has its own circuit breaker, so one sick instance does not silence the others.
 *
 * <p>{@link #run()} is the polling loop, to be run on a thread of its own; {@link #close()} stops
 * it from any thread, lets batches in flight finish for a while, and commits what is done. On a
 * rebalance, what is done in the revoked partitions is committed and their tasks not yet started
 * are dropped for the new owner; batches already started still write their results.
 */
public final class ExpertWorker implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExpertWorker.class);
  private static final long MAX_POLL_WAIT_MS = 100;
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final long MAX_SHUTDOWN_GRACE_MS = 30_000;
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final ExpertSpec spec;
  private final ExpertBackend backend;
  private final String taskTopic;
  private final String resultTopic;
  private final String deadLetterTopic;
  private final Deserializer<ExpertTask> taskDeserializer;
  private final Serializer<ExpertResult> resultSerializer;
  private final CircuitBreaker breaker;
  private final ExecutorService pool;

  // Polling thread only.
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final ArrayDeque<Pending> buffer = new ArrayDeque<>();

  // Shared with the pool and the producer's callbacks.
  private final Queue<Acked> acked = new ConcurrentLinkedQueue<>();
  private final Semaphore batchEnded = new Semaphore(0);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicReference<KafkaException> fatal = new AtomicReference<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean paused;
  private volatile int buffered;

  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicLong expired = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();

  /**
   * A worker on clients the caller made: the consumer must read bytes with auto-commit off and the
   * group id of {@link dev.gatestream.clients.ClientIds#expert}; the producer must write bytes, idempotently. The worker
   * subscribes the consumer and closes both clients.
   */
  public ExpertWorker(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
      Topics topics, GatestreamSerdes serdes, ExpertSpec spec, ExpertBackend backend) {
    this.consumer = consumer;
    this.producer = producer;
    this.spec = spec;
    this.backend = backend;
    this.taskTopic = topics.expertTasks(spec.name()).name();
    this.resultTopic = topics.expertResults().name();
    this.deadLetterTopic = topics.deadLetters().name();
    this.taskDeserializer = serdes.valueSerde(topics.expertTasks(spec.name())).deserializer();
    this.resultSerializer = serdes.valueSerde(topics.expertResults()).serializer();
    this.breaker = new CircuitBreaker(spec.circuitBreaker(), System::currentTimeMillis);
    String id = ExpertId.of(spec.name());
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "expert-" + id + "-call-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(spec.concurrency(), factory);
  }

  /**
   * A worker with its own Kafka clients.
   *
   * @param config the topic prefix, partitions and replication come from here
   */
  public static ExpertWorker create(KafkaClients clients, GatestreamConfig config,
      GatestreamSerdes serdes, ExpertSpec spec, ExpertBackend backend) {
    String group = clients.ids().expert(spec.name());
    String clientId = group + "-" + INSTANCES.incrementAndGet();
    // What one poll may add to the buffer: about what the batches in flight hold.
    KafkaConsumer<byte[], byte[]> consumer = clients.consumer(clientId, group,
        Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, spec.batchSize() * spec.concurrency()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer = clients.producer(clientId, Map.of(),
        new ByteArraySerializer(), new ByteArraySerializer());
    return new ExpertWorker(consumer, producer, Topics.from(config), serdes, spec, backend);
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

  /** Counters since the worker was made, and its current load. */
  public Metrics metrics() {
    return new Metrics(tasks.get(), ok.get(), errors.get(), expired.get(), rejected.get(),
        deadLetters.get(), batches.get(), retries.get(), inFlight.get(), buffered, paused,
        breaker.state());
  }

  /**
   * A worker's counters.
   *
   * @param tasks task records received (dead letters not included)
   * @param batches backend batches started
   * @param retries task retries after transient failures
   * @param inFlight batches being answered now
   * @param buffered tasks received and not yet in a batch
   * @param paused whether the partitions are paused for back-pressure
   */
  public record Metrics(long tasks, long ok, long errors, long expired, long rejected,
      long deadLetters, long batches, long retries, int inFlight, int buffered, boolean paused,
      CircuitBreaker.State circuit) {}

  void subscribe() {
    consumer.subscribe(List.of(taskTopic), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        drainAcked();
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
        if (!offsets.isEmpty()) {
          try {
            consumer.commitSync(offsets);
          } catch (KafkaException e) {
            LOG.warn("expert {}: cannot commit revoked partitions: {}", spec.name(), e.toString());
          }
        }
        forget(partitions);
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        forget(partitions);
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
    drainAcked();
    if (paused) {
      // Nothing can come from paused partitions: wait for a batch to end, then poll at once to
      // stay in the group.
      awaitBatchEnd(MAX_POLL_WAIT_MS);
    }
    long now = System.currentTimeMillis();
    long wait = paused ? 0 : buffer.isEmpty() ? MAX_POLL_WAIT_MS
        : Math.max(0, Math.min(MAX_POLL_WAIT_MS, lingerEndsAt() - now));
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(wait))) {
      intake(record);
    }
    dispatch();
    applyBackPressure();
    drainAcked();
    commit();
    throwIfFatal();
  }

  private void intake(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    PartitionProgress partitionProgress =
        progress.computeIfAbsent(partition, p -> new PartitionProgress());
    partitionProgress.add(record.offset());
    ExpertTask task;
    try {
      task = record.value() == null ? null
          : taskDeserializer.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      deadLetter(record, partitionProgress, "not an ExpertTask: " + e.getMessage());
      return;
    }
    if (task == null) {
      deadLetter(record, partitionProgress, "empty task record");
    } else if (!spec.name().equals(task.getExpert())) {
      deadLetter(record, partitionProgress, "a task for expert '" + task.getExpert()
          + "' on the task topic of '" + spec.name() + "'");
    } else {
      tasks.incrementAndGet();
      buffer.add(new Pending(task, partition, partitionProgress, record.offset(),
          System.currentTimeMillis()));
      buffered = buffer.size();
    }
  }

  private long lingerEndsAt() {
    return buffer.peekFirst().bufferedAtMs() + spec.batchLingerMs();
  }

  private void dispatch() {
    while (!buffer.isEmpty() && inFlight.get() < spec.concurrency()
        && (buffer.size() >= spec.batchSize() || System.currentTimeMillis() >= lingerEndsAt())) {
      List<Pending> batch = new ArrayList<>(Math.min(buffer.size(), spec.batchSize()));
      while (batch.size() < spec.batchSize() && !buffer.isEmpty()) {
        batch.add(buffer.pollFirst());
      }
      inFlight.incrementAndGet();
      batches.incrementAndGet();
      pool.execute(() -> answer(batch));
    }
    buffered = buffer.size();
  }

  private void applyBackPressure() {
    boolean full = inFlight.get() >= spec.concurrency();
    if (full) {
      // Every round: partitions assigned since the last pause start unpaused.
      consumer.pause(consumer.assignment());
    } else if (paused) {
      // Only assigned partitions can be resumed; a rebalance may have taken paused ones away.
      Set<TopicPartition> resumable = new HashSet<>(consumer.paused());
      resumable.retainAll(consumer.assignment());
      consumer.resume(resumable);
    }
    paused = full;
  }

  private void awaitBatchEnd(long maxWaitMs) {
    try {
      if (batchEnded.tryAcquire(maxWaitMs, TimeUnit.MILLISECONDS)) {
        batchEnded.drainPermits();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Answers one batch on a pool thread: expiry, backend calls with retries, circuit breaking. */
  private void answer(List<Pending> batch) {
    try {
      long startedAt = System.currentTimeMillis();
      List<Pending> todo = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        if (p.deadlineMs() <= startedAt) {
          expired.incrementAndGet();
          send(p, failed(p, ResultStatus.EXPIRED, "deadline passed before work began", 0));
        } else {
          todo.add(p);
        }
      }
      for (int attempt = 1; !todo.isEmpty(); attempt++) {
        todo = attempt(todo, attempt, startedAt);
      }
    } catch (InterruptedException e) {
      // Shutting down: the tasks get no result now and are not committed, so they are redone.
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fatal.compareAndSet(null, new KafkaException("expert " + spec.name() + " failed", e));
    } finally {
      inFlight.decrementAndGet();
      batchEnded.release();
    }
  }

  /** One backend call for {@code todo}; returns the tasks to try again, after the backoff. */
  private List<Pending> attempt(List<Pending> todo, int attempt, long startedAt)
      throws InterruptedException {
    if (!breaker.tryAcquire()) {
      for (Pending p : todo) {
        rejected.incrementAndGet();
        send(p, failed(p, ResultStatus.REJECTED, "circuit open: " + breaker.lastError(),
            System.currentTimeMillis() - startedAt));
      }
      return List.of();
    }
    long callStart = System.currentTimeMillis();
    long latestDeadline = todo.stream().mapToLong(Pending::deadlineMs).max().orElseThrow();
    Duration timeout = Duration.ofMillis(
        Math.max(1, Math.min(spec.timeoutMs(), latestDeadline - callStart)));
    List<Outcome> outcomes = call(todo, timeout);
    long callMs = System.currentTimeMillis() - callStart;

    List<Pending> again = new ArrayList<>();
    String lastTransient = null;
    for (int i = 0; i < todo.size(); i++) {
      Pending p = todo.get(i);
      Outcome outcome = outcomes.get(i);
      if (outcome instanceof Outcome.Answer a) {
        ok.incrementAndGet();
        send(p, answered(p, a, callMs));
      } else if (outcome instanceof Outcome.Failure f && f.transientFailure()) {
        again.add(p);
        lastTransient = f.message();
      } else {
        errors.incrementAndGet();
        send(p, failed(p, ResultStatus.ERROR, ((Outcome.Failure) outcome).message(),
            System.currentTimeMillis() - startedAt));
      }
    }
    // Only a call that got nothing but transient failures says the backend is unwell.
    if (again.size() == todo.size()) {
      breaker.onFailure(lastTransient);
    } else {
      breaker.onSuccess();
    }
    if (again.isEmpty()) {
      return List.of();
    }
    long backoff = Math.min(MAX_BACKOFF_MS, spec.retryBackoffMs() << Math.min(attempt - 1, 20));
    long retryAt = System.currentTimeMillis() + backoff;
    List<Pending> retry = new ArrayList<>(again.size());
    for (Pending p : again) {
      String why = attempt > spec.maxRetries() ? "gave up after " + attempt + " attempts"
          : p.deadlineMs() <= retryAt ? "deadline reached after " + attempt + " attempts" : null;
      if (why == null) {
        retry.add(p);
      } else {
        errors.incrementAndGet();
        send(p, failed(p, ResultStatus.ERROR, lastTransient + " (" + why + ")",
            System.currentTimeMillis() - startedAt));
      }
    }
    if (!retry.isEmpty()) {
      retries.addAndGet(retry.size());
      Thread.sleep(backoff);
    }
    return retry;
  }

  private List<Outcome> call(List<Pending> todo, Duration timeout) {
    List<ExpertTask> batchTasks = todo.stream().map(Pending::task).toList();
    try {
      List<Outcome> outcomes = backend.answer(batchTasks, timeout);
      if (outcomes.size() != todo.size()) {
        return Collections.nCopies(todo.size(), Outcome.permanent(
            "backend returned " + outcomes.size() + " outcomes for " + todo.size() + " tasks"));
      }
      return outcomes;
    } catch (BackendException e) {
      return Collections.nCopies(todo.size(),
          new Outcome.Failure(e.getMessage(), e.isTransient()));
    } catch (RuntimeException e) {
      // A bug in the backend: retrying would only repeat it.
      LOG.warn("expert {}: backend failed", spec.name(), e);
      return Collections.nCopies(todo.size(),
          Outcome.permanent("backend failed: " + e));
    }
  }

  private ExpertResult answered(Pending p, Outcome.Answer answer, long callMs) {
    return ExpertResult.newBuilder()
        .setRequestId(p.task().getRequestId())
        .setExpert(spec.name())
        .setStatus(ResultStatus.OK)
        .setOutput(answer.output())
        .setLatencyMs(answer.latencyMs().orElse(callMs))
        .setCost(answer.cost().orElse(spec.pricePerCall()))
        .setErrorMessage(null)
        .setCompletedAtMs(System.currentTimeMillis())
        .build();
  }

  private ExpertResult failed(Pending p, ResultStatus status, String message, long latencyMs) {
    return ExpertResult.newBuilder()
        .setRequestId(p.task().getRequestId())
        .setExpert(spec.name())
        .setStatus(status)
        .setOutput(null)
        .setLatencyMs(latencyMs)
        .setCost(0.0)
        .setErrorMessage(message)
        .setCompletedAtMs(System.currentTimeMillis())
        .build();
  }

  private void send(Pending p, ExpertResult result) {
    byte[] key = p.task().getRequestId().getBytes(StandardCharsets.UTF_8);
    byte[] value = resultSerializer.serialize(resultTopic, result);
    producer.send(new ProducerRecord<>(resultTopic, key, value), (metadata, e) -> {
      if (e == null) {
        acked.add(new Acked(p.progress(), p.offset()));
      } else {
        fatal.compareAndSet(null, new KafkaException("expert " + spec.name()
            + ": cannot write the result of request " + p.task().getRequestId() + " to "
            + resultTopic + ": " + e.getMessage(), e));
      }
    });
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record,
      PartitionProgress partitionProgress, String reason) {
    deadLetters.incrementAndGet();
    LOG.warn("expert {}: dead-lettering {}-{}@{}: {}", spec.name(), record.topic(),
        record.partition(), record.offset(), reason);
    ProducerRecord<byte[], byte[]> letter =
        new ProducerRecord<>(deadLetterTopic, record.key(), record.value());
    Headers headers = letter.headers();
    header(headers, GatestreamHeaders.DLQ_REASON, reason);
    header(headers, GatestreamHeaders.DLQ_STAGE, "expert " + spec.name());
    header(headers, GatestreamHeaders.DLQ_SOURCE_TOPIC, record.topic());
    header(headers, GatestreamHeaders.DLQ_SOURCE_PARTITION, String.valueOf(record.partition()));
    header(headers, GatestreamHeaders.DLQ_SOURCE_OFFSET, String.valueOf(record.offset()));
    header(headers, GatestreamHeaders.DLQ_TIMESTAMP, String.valueOf(System.currentTimeMillis()));
    long offset = record.offset();
    producer.send(letter, (metadata, e) -> {
      if (e == null) {
        acked.add(new Acked(partitionProgress, offset));
      } else {
        fatal.compareAndSet(null, new KafkaException("expert " + spec.name()
            + ": cannot write to the dead-letter topic " + deadLetterTopic + ": " + e.getMessage(),
            e));
      }
    });
  }

  private static void header(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private void drainAcked() {
    for (Acked a = acked.poll(); a != null; a = acked.poll()) {
      a.progress().done(a.offset());
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> committable(
      Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition partition : partitions) {
      PartitionProgress p = progress.get(partition);
      OptionalLong offset = p == null ? OptionalLong.empty() : p.committable();
      if (offset.isPresent()) {
        offsets.put(partition, new OffsetAndMetadata(offset.getAsLong()));
        p.committed(offset.getAsLong());
      }
    }
    return offsets;
  }

  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(progress.keySet());
    if (offsets.isEmpty()) {
      return;
    }
    Map<TopicPartition, PartitionProgress> committedFor = new HashMap<>();
    offsets.keySet().forEach(tp -> committedFor.put(tp, progress.get(tp)));
    consumer.commitAsync(offsets, (done, e) -> {
      if (e != null) {
        LOG.warn("expert {}: offset commit failed, will retry: {}", spec.name(), e.toString());
        offsets.forEach((tp, o) -> committedFor.get(tp).commitFailed(o.offset()));
      }
    });
  }

  private void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(progress::remove);
    buffer.removeIf(p -> partitions.contains(p.partition()));
    buffered = buffer.size();
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
      producer.flush();
      drainAcked();
      Map<TopicPartition, OffsetAndMetadata> offsets = committable(progress.keySet());
      if (!offsets.isEmpty()) {
        consumer.commitSync(offsets);
      }
    } catch (KafkaException e) {
      LOG.warn("expert {}: final commit failed; uncommitted tasks will be redone: {}", spec.name(),
          e.toString());
    } finally {
      consumer.close();
      producer.close();
    }
  }

  private record Pending(ExpertTask task, TopicPartition partition, PartitionProgress progress,
      long offset, long bufferedAtMs) {
    long deadlineMs() {
      return task.getRequest().getDeadlineMs();
    }
  }

  private record Acked(PartitionProgress progress, long offset) {}
}
