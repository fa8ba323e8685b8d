package dev.gatestream.streams.common;

import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.topics.Topics;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The compacted routing-weights topic as a global store of every stage instance, with a listener that
 * hears each new snapshot at once (a stage swaps what it derives from the weights without reading the
 * store per record).
 */
public final class RoutingWeightsStore {

  public static final String NAME = "routing-weights";

  private RoutingWeightsStore() {}

  public static void addTo(Topology topology, Topics topics, Serde<RoutingWeights> serde,
      Consumer<RoutingWeights> listener) {
    topology.addGlobalStore(
        Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore(NAME), Serdes.String(), serde)
            .withLoggingDisabled(),
        "routing-weights-in", Serdes.String().deserializer(), serde.deserializer(),
        topics.routingWeights().name(), "routing-weights-update", () -> new Updater(listener));
  }

  /**
   * The stored snapshot of a policy, or null. A restored global store does not pass through its
   * processor, so processors read this once at init.
   */
  public static RoutingWeights latest(ProcessorContext<?, ?> context, String policy) {
    KeyValueStore<String, ValueAndTimestamp<RoutingWeights>> store = context.getStateStore(NAME);
    ValueAndTimestamp<RoutingWeights> latest = store.get(policy);
    return latest == null ? null : latest.value();
  }

  private static final class Updater implements Processor<String, RoutingWeights, Void, Void> {
    private final Consumer<RoutingWeights> listener;
    private TimestampedKeyValueStore<String, RoutingWeights> store;

    Updater(Consumer<RoutingWeights> listener) {
      this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(NAME);
    }

    @Override
    public void process(Record<String, RoutingWeights> record) {
      if (record.key() != null) {
        store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        listener.accept(record.value());
      }
    }
  }
}
