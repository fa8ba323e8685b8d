package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.internal.FusionState;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.StateSerde;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * What the topology test driver cannot show: a task that starts (after a restart, say) on a store
 * already holding requests.
 */
class FusionProcessorTest {

  private static final long NOW = 1_700_000_000_000L;

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
  private final KeyValueStore<String, FusionState> pending =
      store(FusionTopology.PENDING_STORE, StateSerde.of(FusionState.class));
  private final KeyValueStore<String, String> dueIndex =
      store(FusionTopology.DUE_INDEX_STORE, Serdes.String());
  private final KeyValueStore<String, String> expiryIndex =
      store(FusionTopology.EXPIRY_INDEX_STORE, Serdes.String());
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final FusionMetrics metrics = new FusionMetrics(meters);

  FusionProcessorTest() {
    TimestampedKeyValueStore<String, ?> weights =
        Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RoutingWeightsStore.NAME),
                Serdes.String(),
                serdes.valueSerde(topics.routingWeights()))
            .withLoggingDisabled()
            .build();
    for (var store : List.of(pending, dueIndex, expiryIndex, weights)) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
  }

  private static <V> KeyValueStore<String, V> store(
      String name, org.apache.kafka.common.serialization.Serde<V> serde) {
    return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
        .withLoggingDisabled()
        .build();
  }

  private FusionProcessor processor() {
    FusionProcessor processor =
        new FusionProcessor(
            topics,
            serdes.valueSerde(topics.decisions()).deserializer(),
            serdes.valueSerde(topics.expertResults()).deserializer(),
            serdes.valueSerde(topics.expertResults()).serializer(),
            serdes.valueSerde(topics.fusedResults()).serializer(),
            new FusionSettings(
                0,
                Duration.ofSeconds(5),
                Duration.ofMillis(10),
                "auto",
                FusionSettings.Weights.GATE,
                List.of()),
            new FusionLimits(Duration.ofMinutes(1), 16, 100),
            new ExpertReliability("p"),
            ReplyTopics.from(
                new GatestreamConfig(Map.of(GatestreamConfig.TOPIC_PREFIX, "t-")), topic -> true),
            metrics);
    processor.init(context);
    return processor;
  }

  @Test
  void aTaskStartingOnARestoredStoreCountsItsPendingRequests() {
    // As a changelog restores them: two awaiting emission, one emitted, one result without its
    // decision.
    pending.put("a", state(decision("a"), false, List.of()));
    pending.put("b", state(decision("b"), false, List.of()));
    pending.put("c", state(decision("c"), true, List.of()));
    pending.put("d", state(null, false, List.of()));
    context.setCurrentSystemTimeMs(NOW);

    FusionProcessor processor = processor();

    assertThat(meters.get(FusionMetrics.PENDING).gauge().value()).isEqualTo(2);
    processor.close();
    assertThat(metrics.pending()).isZero();
  }

  @Test
  void aTaskStartingOnARestoredStoreIndexesItsRequestsItselfAndFusesThemByTheirDeadline() {
    // The indexes have no changelog: after a restore only the pending store holds anything.
    pending.put("a", state(decision("a"), false, List.of(result("a", "a"))));
    pending.put("c", state(decision("c"), true, List.of()));
    dueIndex.put(DueKeys.of(1_000, "gone"), "gone");
    context.setCurrentSystemTimeMs(NOW);
    processor();

    assertThat(keys(dueIndex)).containsExactly(DueKeys.of(1_000, "a"));
    assertThat(keys(expiryIndex)).containsExactly(DueKeys.of(1_000, "c"));
    // Nothing read for longer than a backlog would take to arrive: wall-clock deadlines apply.
    context.setCurrentSystemTimeMs(NOW + 10_000);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(NOW + 10_000);
    assertThat(
            context.forwarded().stream()
                .filter(record -> record.childName().orElse("").equals(FusionTopology.FUSED_SINK))
                .map(record -> (Object) record.record().key()))
        .containsExactly((Object) "a");
    assertThat(pending.get("a").getEmitted()).isTrue();
  }

  private static List<String> keys(KeyValueStore<String, String> index) {
    List<String> keys = new java.util.ArrayList<>();
    try (var entries = index.all()) {
      entries.forEachRemaining(entry -> keys.add(entry.key));
    }
    return keys;
  }

  @Test
  void aRestartedTaskKeepsRestoredResultsWhateverTheWallClockUntilTheirDecisionComes() {
    // Results that overtook their decision, restored after an outage; their expiry is long past by
    // the
    // wall clock of the restarted instance.
    long expiry = NOW + 1_000 + 5_000;
    pending.put(
        "r1",
        FusionState.newBuilder(state(null, false, List.of(result("r1", "a"), result("r1", "b"))))
            .setDueAtMs(expiry)
            .build());
    expiryIndex.put(DueKeys.of(expiry, "r1"), "r1");
    context.setCurrentSystemTimeMs(NOW + 53_000);
    FusionProcessor processor = processor();

    context.scheduledPunctuators().get(0).getPunctuator().punctuate(NOW + 53_000);
    assertThat(pending.get("r1")).isNotNull();

    // The backlog: the decision was made before the outage.
    context.setRecordMetadata(topics.decisions().name(), 0, 7);
    processor.process(
        new Record<>(
            bytes("r1"),
            serdes
                .valueSerde(topics.decisions())
                .serializer()
                .serialize(
                    "t",
                    RoutingDecision.newBuilder(decision("r1"))
                        .setChosen(
                            List.of(
                                new ChosenExpert("a", 0.5, 1.0), new ChosenExpert("b", 0.5, 1.0)))
                        .build()),
            NOW + 10));

    List<FusedResult> fused =
        context.forwarded().stream()
            .filter(record -> record.childName().orElse("").equals(FusionTopology.FUSED_SINK))
            .map(
                record ->
                    serdes
                        .valueSerde(topics.fusedResults())
                        .deserializer()
                        .deserialize("t", (byte[]) record.record().value()))
            .toList();
    assertThat(fused)
        .singleElement()
        .satisfies(
            result -> {
              assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE);
              assertThat(result.getContributors()).containsExactly("a", "b");
            });
    assertThat(metrics.droppedResults(FusionMetrics.DropCause.EXPIRED)).isZero();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static ExpertResult result(String id, String expert) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(new Score(1.0))
        .setLatencyMs(1)
        .setCompletedAtMs(NOW)
        .setDeadlineMs(NOW + 1_000)
        .build();
  }

  private static FusionState state(
      RoutingDecision decision, boolean emitted, List<ExpertResult> results) {
    return FusionState.newBuilder()
        .setDecision(decision)
        .setEmitted(emitted)
        .setResults(results)
        .setDueAtMs(1_000)
        .build();
  }

  private static RoutingDecision decision(String id) {
    return RoutingDecision.newBuilder()
        .setRequestId(id)
        .setPolicy("p")
        .setPolicyVersion(1)
        .setChosen(List.of(new ChosenExpert("a", 1.0, 1.0)))
        .setDeadlineMs(NOW + 1_000)
        .setRequestCreatedAtMs(NOW)
        .setDecidedAtMs(NOW)
        .setAttributes(Map.of())
        .build();
  }
}
