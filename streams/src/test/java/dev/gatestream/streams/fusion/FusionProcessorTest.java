package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.internal.FusionState;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.StateSerde;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.Test;

/** What the topology test driver cannot show: a task that starts on a store already holding requests. */
class FusionProcessorTest {

  private final Topics topics = new Topics("t-", 1, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();

  @Test
  void aTaskStartingOnARestoredStoreCountsItsPendingRequests() {
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    KeyValueStore<String, FusionState> pending = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(FusionTopology.PENDING_STORE), Serdes.String(),
        StateSerde.of(FusionState.class)).withLoggingDisabled().build();
    KeyValueStore<String, String> dueIndex = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(FusionTopology.DUE_INDEX_STORE), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    TimestampedKeyValueStore<String, ?> weights = Stores.timestampedKeyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(RoutingWeightsStore.NAME), Serdes.String(),
        serdes.valueSerde(topics.routingWeights())).withLoggingDisabled().build();
    for (var store : List.of(pending, dueIndex, weights)) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    // As a changelog restores them: two awaiting emission, one emitted, one result without its decision.
    pending.put("a", state(decision("a"), false));
    pending.put("b", state(decision("b"), false));
    pending.put("c", state(decision("c"), true));
    pending.put("d", state(null, false));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    FusionMetrics metrics = new FusionMetrics(meters);
    FusionProcessor processor = new FusionProcessor(topics.decisions().name(),
        serdes.valueSerde(topics.decisions()).deserializer(), serdes.valueSerde(topics.expertResults()).deserializer(),
        new FusionSettings(0, Duration.ofSeconds(5), Duration.ofMillis(10), "auto", FusionSettings.Weights.GATE,
            List.of()), new ExpertReliability("p"), metrics);
    processor.init(context);

    assertThat(meters.get(FusionMetrics.PENDING).gauge().value()).isEqualTo(2);
    processor.close();
    assertThat(metrics.pending()).isZero();
  }

  private static FusionState state(RoutingDecision decision, boolean emitted) {
    return FusionState.newBuilder().setDecision(decision).setEmitted(emitted).setDueAtMs(1_000).build();
  }

  private static RoutingDecision decision(String id) {
    return RoutingDecision.newBuilder().setRequestId(id).setPolicy("p").setPolicyVersion(1)
        .setChosen(List.of(new ChosenExpert("a", 1.0, 1.0))).setDeadlineMs(1_000).setRequestCreatedAtMs(0)
        .setDecidedAtMs(0).setAttributes(Map.of()).build();
  }
}
