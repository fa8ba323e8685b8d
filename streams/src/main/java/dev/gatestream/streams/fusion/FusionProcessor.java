package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.internal.FusionState;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.DeadLetters;
import dev.gatestream.streams.common.RoutingWeightsStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
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
 * Joins routing decisions and expert results by request id in a state store and emits one fused result
 * per request: when every chosen expert answered or the quorum is met, else at the deadline (wall-clock
 * punctuation over a deadline index). State is kept until deadline + grace so that late results are
 * recognized and counted, never emitted again.
 */
final class FusionProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(FusionProcessor.class);

  private final String decisionsTopic;
  private final Deserializer<RoutingDecision> decisions;
  private final Deserializer<ExpertResult> results;
  private final FusionRule rule;
  private final FusionSettings settings;
  private final FusionMetrics metrics;

  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, FusionState> pending;
  private KeyValueStore<String, String> dueIndex;
  // Of this task's requests, those with a decision and no fused result yet.
  private long awaitingEmission;

  private final ExpertReliability reliability;

  FusionProcessor(String decisionsTopic, Deserializer<RoutingDecision> decisions,
      Deserializer<ExpertResult> results, FusionSettings settings, ExpertReliability reliability,
      FusionMetrics metrics) {
    this.decisionsTopic = decisionsTopic;
    this.decisions = decisions;
    this.results = results;
    this.settings = settings;
    this.reliability = reliability;
    this.rule = new FusionRule(settings, reliability);
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.pending = context.getStateStore(FusionTopology.PENDING_STORE);
    this.dueIndex = context.getStateStore(FusionTopology.DUE_INDEX_STORE);
    reliability.offer(RoutingWeightsStore.latest(context, reliability.policy()));
    // The store is restored before init: count what it holds that still awaits emission.
    try (KeyValueIterator<String, FusionState> states = pending.all()) {
      states.forEachRemaining(entry -> {
        if (awaitsEmission(entry.value)) {
          pendingChanged(1);
        }
      });
    }
    context.schedule(settings.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::emitDue);
  }

  @Override
  public void close() {
    // The task moves elsewhere or stops: its requests are no longer this instance's.
    pendingChanged(-awaitingEmission);
  }

  private static boolean awaitsEmission(FusionState state) {
    return state.getDecision() != null && !state.getEmitted();
  }

  private void pendingChanged(long delta) {
    awaitingEmission += delta;
    metrics.pendingChanged(delta);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    String topic = context.recordMetadata().map(metadata -> metadata.topic()).orElse("");
    boolean isDecision = topic.equals(decisionsTopic);
    Object value;
    try {
      value = isDecision ? decisions.deserialize(topic, record.value()) : results.deserialize(topic, record.value());
    } catch (RuntimeException e) {
      // A record we cannot read must not stop the stage: it goes to the dead letters with the reason.
      String what = isDecision ? "routing decision" : "expert result";
      deadLetter(record, DeadLetterReason.UNREADABLE, "cannot read " + what + ": " + e.getMessage());
      return;
    }
    try {
      if (value instanceof RoutingDecision decision) {
        onDecision(decision);
      } else {
        onResult((ExpertResult) value);
      }
    } catch (KafkaException e) {
      throw e; // Kafka's own failures (e.g. a fenced producer) are for Kafka Streams to handle
    } catch (RuntimeException e) {
      // A record that breaks fusion must not stop the partition: it is kept, with the reason.
      deadLetter(record, DeadLetterReason.FAILED, "cannot fuse: " + e);
    }
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
    metrics.deadLetter(reason);
    context.forward(DeadLetters.of(record, FusionMetrics.STAGE, message, context), FusionTopology.DEAD_LETTER_SINK);
  }

  private void onDecision(RoutingDecision decision) {
    String id = decision.getRequestId();
    FusionState state = pending.get(id);
    if (state == null) {
      state = FusionState.newBuilder().setDueAtMs(decision.getDeadlineMs()).build();
      index(state, id);
    } else if (state.getDecision() != null || state.getEmitted()) {
      return; // a decision delivered twice changes nothing
    }
    // Fusion needs neither the features nor the unchosen candidates: keep the state small.
    decision.setFeatures(null);
    decision.setCandidatePropensities(java.util.Map.of());
    state.setDecision(decision);
    reindex(state, id, decision.getDeadlineMs());
    if (rule.ready(decision, state.getResults())) {
      emit(state, false);
    }
    save(id, state, false);
  }

  private void onResult(ExpertResult result) {
    String id = result.getRequestId();
    FusionState state = pending.get(id);
    if (state == null) {
      // The result overtook its decision; keep it until the decision comes or the grace runs out.
      state = FusionState.newBuilder().setDueAtMs(context.currentSystemTimeMs() + settings.grace().toMillis()).build();
      index(state, id);
    }
    boolean awaited = awaitsEmission(state);
    if (state.getEmitted()) {
      state.setLateResults(state.getLateResults() + 1);
      metrics.lateResult();
      LOG.debug("late result of {} for request {}, after emission; counted, not re-emitted", result.getExpert(), id);
    } else if (FusionRule.resultOf(result.getExpert(), state.getResults()) != null) {
      metrics.duplicateResult(); // at-least-once expert output: the first answer counts
    } else {
      List<ExpertResult> all = new ArrayList<>(state.getResults());
      all.add(result);
      state.setResults(all);
      if (state.getDecision() != null && rule.ready(state.getDecision(), all)) {
        emit(state, false);
      }
    }
    save(id, state, awaited);
  }

  private void emitDue(long now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> entries = dueIndex.range(DueKeys.FIRST, DueKeys.upTo(now))) {
      entries.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> entry : due) {
      dueIndex.delete(entry.key);
      String id = entry.value;
      FusionState state = pending.get(id);
      if (state == null || state.getDueAtMs() != DueKeys.timeOf(entry.key)) {
        continue; // the entry was re-indexed or already removed
      }
      if (!state.getEmitted() && state.getDecision() != null) {
        emit(state, true);
        save(id, state, true);
      } else {
        pending.delete(id);
      }
    }
  }

  /** Emits the fused result and keeps the state until deadline + grace, for late results. */
  private void emit(FusionState state, boolean atDeadline) {
    long now = context.currentSystemTimeMs();
    RoutingDecision decision = state.getDecision();
    FusedResult fused = rule.fuse(decision, state.getResults(), atDeadline, now);
    context.forward(new Record<>(decision.getRequestId(), fused, now), FusionTopology.FUSED_SINK);
    if (decision.getReplyTo() != null) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(GatestreamHeaders.REPLY_TO, decision.getReplyTo().getBytes(StandardCharsets.UTF_8));
      context.forward(new Record<>(decision.getRequestId(), fused, now, headers), FusionTopology.REPLY_SINK);
    }
    metrics.emitted(fused.getCompleteness(), fused.getLatencyMs());
    state.setEmitted(true);
    reindex(state, decision.getRequestId(),
        Math.max(decision.getDeadlineMs(), now) + settings.grace().toMillis());
  }

  /** Stores the state and follows how many requests await emission. */
  private void save(String id, FusionState state, boolean awaitedBefore) {
    pending.put(id, state);
    pendingChanged((awaitsEmission(state) ? 1 : 0) - (awaitedBefore ? 1 : 0));
  }

  private void index(FusionState state, String id) {
    dueIndex.put(DueKeys.of(state.getDueAtMs(), id), id);
  }

  private void reindex(FusionState state, String id, long dueAtMs) {
    if (state.getDueAtMs() == dueAtMs) {
      return;
    }
    dueIndex.delete(DueKeys.of(state.getDueAtMs(), id));
    state.setDueAtMs(dueAtMs);
    index(state, id);
  }
}
