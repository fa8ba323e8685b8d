package dev.gatestream.streams.fusion;

import dev.gatestream.clients.WriteFailures;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.internal.FusionState;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.DeadLetters;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.streams.fusion.FusionMetrics.DropCause;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins routing decisions and expert results by request id in a state store and emits one fused
 * result per request: when every chosen expert answered or the quorum is met, else at the deadline
 * (punctuation over a deadline index, since callers wait in real time: in record time while records
 * flow, in wall-clock time once the input has been quiet for two seconds).
 *
 * <p>What it keeps is bounded whatever arrives. A decision's deadline is held to its decision time
 * plus the maximum. Results of experts the decision did not choose are dropped. Results that
 * overtake their decision wait for it until the request's own deadline plus grace (at most the
 * maximum after they were produced), for a bounded number of experts and requests; after emission
 * the state stays until deadline plus grace to recognize late results. Those two expire in record
 * time (the newest record timestamp the task has seen, never ahead of the wall clock), so that
 * after an outage the backlog is joined as it would have been instead of expiring before it is
 * read. Every result dropped is counted and dead-lettered.
 *
 * <p>The fused result is serialized here: one too large to write is dead-lettered and replaced by a
 * FAILED result, and a reply-to topic that may not be written (or failed to be) gets no copy (a
 * dead letter instead) while fused-results still gets the result.
 */
final class FusionProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(FusionProcessor.class);

  // Reading a backlog (records flowing, the newest of them older than BACKLOG_MS), a deadline
  // passes in record time: after a restart the backlog holds answers produced before deadlines the
  // wall clock has passed, and emitting on the wall clock would fuse without them. Otherwise, and
  // once the input has been quiet for QUIET_MS, the wall clock decides, as callers wait in real
  // time.
  private static final long BACKLOG_MS = 5_000;
  private static final long QUIET_MS = 2_000;

  /**
   * Room a fused record leaves under the producer's max.request.size for its key and reply-to
   * header.
   */
  static final int ROOM_FOR_KEY_AND_HEADERS = 16 * 1024;

  private final String decisionsTopic;
  private final String resultsTopic;
  private final String fusedTopic;
  private final Deserializer<RoutingDecision> decisions;
  private final Deserializer<ExpertResult> results;
  private final Serializer<ExpertResult> resultSerializer;
  private final Serializer<FusedResult> fusedSerializer;
  private final FusionRule rule;
  private final FusionSettings settings;
  private final FusionLimits limits;
  private final ExpertReliability reliability;
  private final ReplyTopics replyTopics;
  private final FusionMetrics metrics;
  private final Escalations escalations;

  private ProcessorContext<Object, Object> context;
  private PendingStates pending;
  // Wall-clock time: requests awaiting emission, by deadline.
  private KeyValueStore<String, String> dueIndex;
  // Record time: requests whose results await their decision, and emitted ones, by expiry.
  private KeyValueStore<String, String> expiryIndex;
  private DeadLetters deadLetters;
  private Optional<WriteFailures> writeFailures;
  private int maxFusedBytes;
  // Of this task's requests, those with a decision and no fused result yet.
  private long awaitingEmission;
  // Of this task's requests, those with results and no decision yet.
  private long early;
  private long recordTimeMs = -1;
  // Wall-clock time of the last record read (or of init): how long the input has been quiet.
  private long lastReadAtMs;

  FusionProcessor(
      Topics topics,
      Deserializer<RoutingDecision> decisions,
      Deserializer<ExpertResult> results,
      Serializer<ExpertResult> resultSerializer,
      Serializer<FusedResult> fusedSerializer,
      FusionSettings settings,
      FusionLimits limits,
      ExpertReliability reliability,
      ReplyTopics replyTopics,
      FusionMetrics metrics) {
    this.decisionsTopic = topics.decisions().name();
    this.resultsTopic = topics.expertResults().name();
    this.fusedTopic = topics.fusedResults().name();
    this.decisions = decisions;
    this.results = results;
    this.resultSerializer = resultSerializer;
    this.fusedSerializer = fusedSerializer;
    this.settings = settings;
    this.limits = limits;
    this.reliability = reliability;
    this.rule = new FusionRule(settings, reliability);
    this.replyTopics = replyTopics;
    this.metrics = metrics;
    this.escalations = new Escalations(metrics.cascade(), new SplittableRandom()::nextDouble);
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.lastReadAtMs = context.currentSystemTimeMs();
    this.pending = new PendingStates(context.getStateStore(FusionTopology.PENDING_STORE));
    this.dueIndex = context.getStateStore(FusionTopology.DUE_INDEX_STORE);
    this.expiryIndex = context.getStateStore(FusionTopology.EXPIRY_INDEX_STORE);
    this.deadLetters = new DeadLetters(FusionMetrics.STAGE, context);
    this.writeFailures = WriteFailures.in(context.appConfigs());
    this.maxFusedBytes = deadLetters.maxRequestSize() - ROOM_FOR_KEY_AND_HEADERS;
    reliability.offer(RoutingWeightsStore.latest(context, reliability.policy()));
    // The store is restored before init: count what it holds, and index it. The indexes are
    // derived from it, so they have no changelog of their own: rebuilding them here costs one scan
    // per task start, where logging them cost about three changelog records per request.
    clear(dueIndex);
    clear(expiryIndex);
    try (KeyValueIterator<String, FusionState> states = pending.all()) {
      states.forEachRemaining(
          entry -> {
            FusionState state = entry.value;
            String key = DueKeys.of(state.getDueAtMs(), entry.key);
            if (awaitsEmission(state)) {
              pendingChanged(1);
              dueIndex.put(key, entry.key);
            } else {
              early += isEarly(state) ? 1 : 0;
              expiryIndex.put(key, entry.key);
            }
          });
    }
    context.schedule(settings.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  private static void clear(KeyValueStore<String, String> index) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, String> entries = index.all()) {
      entries.forEachRemaining(entry -> keys.add(entry.key));
    }
    keys.forEach(index::delete);
  }

  @Override
  public void close() {
    // The task moves elsewhere or stops: its requests are no longer this instance's.
    pendingChanged(-awaitingEmission);
  }

  private static boolean awaitsEmission(FusionState state) {
    return state.getDecision() != null && !state.getEmitted();
  }

  private static boolean isEarly(FusionState state) {
    return state.getDecision() == null && !state.getEmitted();
  }

  private void pendingChanged(long delta) {
    awaitingEmission += delta;
    metrics.pendingChanged(delta);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    lastReadAtMs = context.currentSystemTimeMs();
    recordTimeMs = Math.max(recordTimeMs, Math.min(record.timestamp(), lastReadAtMs));
    String topic = context.recordMetadata().map(metadata -> metadata.topic()).orElse("");
    boolean isDecision = topic.equals(decisionsTopic);
    String what = isDecision ? "routing decision" : "expert result";
    Object value;
    try {
      value =
          isDecision
              ? decisions.deserialize(topic, record.value())
              : results.deserialize(topic, record.value());
    } catch (RuntimeException e) {
      // A record we cannot read must not stop the stage: it goes to the dead letters with the
      // reason. The registry failing is not the record's fault: it is read again later.
      DeadLetters.throwIfTransient(e);
      deadLetter(
          record, DeadLetterReason.UNREADABLE, "cannot read " + what + ": " + e.getMessage());
      return;
    }
    // The registry's deserializer decodes whatever schema the bytes name: a result on the
    // decisions topic (or the reverse) must not be taken for what that topic carries.
    Class<?> expected = isDecision ? RoutingDecision.class : ExpertResult.class;
    if (!expected.isInstance(value)) {
      String found =
          value == null
              ? "an empty record"
              : "a record of type " + value.getClass().getSimpleName();
      deadLetter(record, DeadLetterReason.UNREADABLE, "cannot read " + what + ": " + found);
      return;
    }
    try {
      if (value instanceof RoutingDecision decision) {
        onDecision(decision);
      } else {
        onResult((ExpertResult) value, record);
      }
    } catch (KafkaException e) {
      pending.forgetDecoded(); // the task's store may be rolled back and restored
      throw e; // Kafka's own failures (e.g. a fenced producer) are for Kafka Streams to handle
    } catch (RuntimeException e) {
      pending.forgetDecoded();
      // A record that breaks fusion must not stop the partition: it is kept, with the reason.
      DeadLetters.throwIfTransient(e);
      deadLetter(record, DeadLetterReason.FAILED, "cannot fuse: " + e);
    }
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
    metrics.deadLetter(reason);
    context.forward(deadLetters.of(record, message), FusionTopology.DEAD_LETTER_SINK);
  }

  private void onDecision(RoutingDecision decision) {
    String id = decision.getRequestId();
    FusionState state = pending.get(id);
    if (state == null) {
      state = FusionState.newBuilder().setDueAtMs(0).build();
    } else if (!isEarly(state)) {
      return; // a decision delivered twice changes nothing
    } else {
      expiryIndex.delete(DueKeys.of(state.getDueAtMs(), id));
      early--;
    }
    // Fusion needs neither the features nor the unchosen candidates: keep the state small.
    decision.setFeatures(null);
    decision.setCandidatePropensities(Map.of());
    state.setDecision(decision);
    List<ExpertResult> chosen = new ArrayList<>(state.getResults().size());
    for (ExpertResult result : state.getResults()) {
      if (isChosen(decision, result.getExpert())) {
        chosen.add(result);
      } else if (isShadow(decision, result.getExpert())) {
        metrics.shadowResult(result.getExpert(), result.getCost());
      } else {
        drop(id, result, DropCause.UNCHOSEN, unchosen(result.getExpert()));
      }
    }
    state.setResults(chosen);
    state.setDueAtMs(deadlineOf(decision));
    dueIndex.put(DueKeys.of(state.getDueAtMs(), id), id);
    escalate(id, state);
    if (rule.ready(decision, chosen)) {
      emit(id, state, false);
    }
    save(id, state, false);
  }

  private void onResult(ExpertResult result, Record<byte[], byte[]> record) {
    String id = result.getRequestId();
    FusionState state = pending.get(id);
    if (state == null) {
      if (early >= limits.maxEarlyRequests()) {
        drop(
            record,
            DropCause.OVERFLOW,
            early
                + " requests already wait for their routing decision ("
                + GatestreamConfig.FUSION_MAX_EARLY_REQUESTS
                + ")");
        return;
      }
      // The result overtook its decision: it waits for it, in record time.
      state = FusionState.newBuilder().setDueAtMs(earlyExpiry(result, record.timestamp())).build();
      expiryIndex.put(DueKeys.of(state.getDueAtMs(), id), id);
      early++;
    }
    RoutingDecision decision = state.getDecision();
    if (decision != null && isShadow(decision, result.getExpert())) {
      // A shadow expert's answer is learned from downstream, never fused.
      metrics.shadowResult(result.getExpert(), result.getCost());
    } else if (decision != null && !isChosen(decision, result.getExpert())) {
      drop(record, DropCause.UNCHOSEN, unchosen(result.getExpert()));
    } else if (state.getEmitted()) {
      state.setLateResults(state.getLateResults() + 1);
      metrics.lateResult();
      LOG.debug(
          "late result of {} for request {}, after emission; counted, not re-emitted",
          result.getExpert(),
          id);
      save(id, state, false);
    } else if (FusionRule.resultOf(result.getExpert(), state.getResults()) != null) {
      metrics.duplicateResult(); // at-least-once expert output: the first answer counts
    } else if (decision == null && state.getResults().size() >= limits.maxEarlyExperts()) {
      drop(
          record,
          DropCause.OVERFLOW,
          state.getResults().size()
              + " experts' results already wait for the"
              + " routing decision ("
              + GatestreamConfig.FUSION_MAX_EARLY_EXPERTS
              + ")");
    } else {
      boolean awaited = awaitsEmission(state);
      List<ExpertResult> all = new ArrayList<>(state.getResults());
      all.add(result);
      state.setResults(all);
      if (decision != null) {
        escalate(id, state);
      }
      if (decision != null && rule.ready(decision, all)) {
        emit(id, state, false);
      }
      save(id, state, awaited);
    }
  }

  /** A cascade asks its next expert when the answer in hand is not confident enough. */
  private void escalate(String id, FusionState state) {
    long now = context.currentSystemTimeMs();
    RoutingDecision decision = state.getDecision();
    escalations
        .next(decision, state.getResults(), deadlineOf(decision), now)
        .ifPresent(task -> context.forward(new Record<>(id, task, now), FusionTopology.TASK_SINK));
  }

  private static boolean isChosen(RoutingDecision decision, String expert) {
    return decision.getChosen().stream().anyMatch(chosen -> chosen.getExpert().equals(expert));
  }

  private static boolean isShadow(RoutingDecision decision, String expert) {
    return decision.getShadow().stream().anyMatch(shadow -> shadow.getExpert().equals(expert));
  }

  private static String unchosen(String expert) {
    return "result of expert '" + expert + "', which the routing decision did not choose";
  }

  /** The decision's deadline, held to at most the maximum after it was decided. */
  private long deadlineOf(RoutingDecision decision) {
    return Math.min(
        decision.getDeadlineMs(), decision.getDecidedAtMs() + limits.maxDeadline().toMillis());
  }

  /**
   * Until when (record time) a result waits for its decision: its request's deadline plus grace.
   */
  private long earlyExpiry(ExpertResult result, long timestamp) {
    long latest =
        Math.min(timestamp, context.currentSystemTimeMs()) + limits.maxDeadline().toMillis();
    Long deadline = result.getDeadlineMs();
    return (deadline == null ? latest : Math.min(deadline, latest)) + settings.grace().toMillis();
  }

  private void punctuate(long now) {
    boolean readingBacklog = now - lastReadAtMs < QUIET_MS && now - recordTimeMs > BACKLOG_MS;
    emitDue(readingBacklog ? recordTimeMs : now);
    expire();
  }

  private void emitDue(long now) {
    for (KeyValue<String, String> entry : dueBy(dueIndex, now)) {
      dueIndex.delete(entry.key);
      String id = entry.value;
      FusionState state = pending.get(id);
      if (state == null || state.getDueAtMs() != DueKeys.timeOf(entry.key)) {
        continue; // the entry was re-indexed or already removed
      }
      if (!awaitsEmission(state)) {
        // Indexed in wall-clock time by an earlier version: it expires in record time now.
        expiryIndex.put(entry.key, id);
        continue;
      }
      try {
        emit(id, state, true);
        save(id, state, true);
      } catch (KafkaException e) {
        pending.forgetDecoded();
        throw e;
      } catch (RuntimeException e) {
        pending.forgetDecoded();
        LOG.error("cannot fuse request {} at its deadline; dead-lettered", id, e);
        metrics.deadLetter(DeadLetterReason.FAILED);
        context.forward(
            deadLetters.kept(id, null, decisionsTopic, "cannot fuse at the deadline: " + e),
            FusionTopology.DEAD_LETTER_SINK);
        pending.delete(id);
        pendingChanged(-1);
      }
    }
  }

  /**
   * Forgets what has waited long enough, in record time: results without a decision are dropped.
   */
  private void expire() {
    if (recordTimeMs < 0) {
      return; // nothing read since the task started: no record time yet
    }
    for (KeyValue<String, String> entry : dueBy(expiryIndex, recordTimeMs)) {
      expiryIndex.delete(entry.key);
      String id = entry.value;
      FusionState state = pending.get(id);
      if (state == null
          || state.getDueAtMs() != DueKeys.timeOf(entry.key)
          || awaitsEmission(state)) {
        continue;
      }
      if (isEarly(state)) {
        early--;
        for (ExpertResult result : state.getResults()) {
          drop(
              id,
              result,
              DropCause.EXPIRED,
              "no routing decision by the request's deadline + "
                  + GatestreamConfig.FUSION_GRACE_MS
                  + " (record time)");
        }
      }
      pending.delete(id);
    }
  }

  private static List<KeyValue<String, String>> dueBy(
      KeyValueStore<String, String> index, long timeMs) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> entries =
        index.range(DueKeys.FIRST, DueKeys.upTo(timeMs))) {
      entries.forEachRemaining(due::add);
    }
    return due;
  }

  /** Emits the fused result and keeps the state until deadline + grace, for late results. */
  private void emit(String id, FusionState state, boolean atDeadline) {
    long now = context.currentSystemTimeMs();
    RoutingDecision decision = state.getDecision();
    FusedResult fused = rule.fuse(decision, state.getResults(), atDeadline, now);
    byte[] bytes = serialize(fused);
    Optional<String> unwritable = failedBefore(fusedTopic, id);
    if (unwritable.isEmpty() && bytes.length > maxFusedBytes) {
      unwritable =
          Optional.of(
              "fused result of "
                  + bytes.length
                  + " bytes exceeds the "
                  + maxFusedBytes
                  + " the producer's max.request.size leaves for it");
    }
    if (unwritable.isPresent()) {
      undeliverable(id, bytes, fusedTopic, unwritable.get());
      fused =
          FusedResult.newBuilder(fused)
              .setOutput(null)
              .setContributors(List.of())
              .setAttributes(Map.of())
              .setExpertErrors(Map.of(FusionMetrics.STAGE, unwritable.get()))
              .setCompleteness(Completeness.FAILED)
              .build();
      bytes = serialize(fused);
    }
    context.forward(new Record<>(id, bytes, now), FusionTopology.FUSED_SINK);
    String replyTo = decision.getReplyTo();
    if (replyTo != null) {
      Optional<String> problem = failedBefore(replyTo, id).or(() -> replyTopics.problem(replyTo));
      if (problem.isPresent()) {
        undeliverable(id, bytes, replyTo, "no reply to " + replyTo + ": " + problem.get());
      } else {
        RecordHeaders headers = new RecordHeaders();
        headers.add(GatestreamHeaders.REPLY_TO, replyTo.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(id, bytes, now, headers), FusionTopology.REPLY_SINK);
      }
    }
    metrics.emitted(fused.getCompleteness(), fused.getLatencyMs());
    state.setEmitted(true);
    dueIndex.delete(DueKeys.of(state.getDueAtMs(), id));
    state.setDueAtMs(Math.max(deadlineOf(decision), recordTimeMs) + settings.grace().toMillis());
    expiryIndex.put(DueKeys.of(state.getDueAtMs(), id), id);
  }

  /**
   * Why this request's record for {@code topic} failed to be written before, once; then it is not
   * retried.
   */
  private Optional<String> failedBefore(String topic, String id) {
    return writeFailures.flatMap(failures -> failures.take(topic, id));
  }

  private void undeliverable(String id, byte[] bytes, String target, String reason) {
    LOG.warn("request {}: {}; dead-lettered", id, reason);
    metrics.deadLetter(DeadLetterReason.UNWRITABLE);
    context.forward(
        deadLetters.unwritten(id, bytes, target, reason), FusionTopology.DEAD_LETTER_SINK);
  }

  /** Drops the result being processed. */
  private void drop(Record<byte[], byte[]> record, DropCause cause, String reason) {
    metrics.dropped(cause);
    deadLetter(record, DeadLetterReason.DROPPED, reason);
  }

  /** Drops a result kept in the state. */
  private void drop(String id, ExpertResult result, DropCause cause, String reason) {
    metrics.dropped(cause);
    metrics.deadLetter(DeadLetterReason.DROPPED);
    byte[] bytes;
    try {
      bytes = resultSerializer.serialize(resultsTopic, result);
    } catch (KafkaException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SerializationException(
          "cannot serialize the result of " + result.getExpert() + " for " + id, e);
    }
    context.forward(
        deadLetters.kept(id, bytes, resultsTopic, reason), FusionTopology.DEAD_LETTER_SINK);
  }

  private byte[] serialize(FusedResult fused) {
    try {
      return fusedSerializer.serialize(fusedTopic, fused);
    } catch (KafkaException e) {
      throw e;
    } catch (RuntimeException e) {
      // The registry, not the record: let Kafka Streams retry rather than fail the request.
      throw new SerializationException(
          "cannot serialize the fused result of " + fused.getRequestId(), e);
    }
  }

  /** Stores the state and follows how many requests await emission. */
  private void save(String id, FusionState state, boolean awaitedBefore) {
    pending.put(id, state);
    pendingChanged((awaitsEmission(state) ? 1 : 0) - (awaitedBefore ? 1 : 0));
  }
}
