package dev.gatestream.streams.common;

import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.topics.Topics;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted routing-weights topic as a global store of every stage instance, with a listener
 * that hears each new snapshot at once (a stage swaps what it derives from the weights without
 * reading the store per record).
 *
 * <p>The topic is read as bytes and deserialized here, so that a record that is not routing weights
 * (garbage, another record type) is skipped and counted instead of killing the global thread. Kafka
 * Streams restores a global store through this same processor, so a poison record that compaction
 * keeps on the topic is skipped again after every restart.
 */
public final class RoutingWeightsStore {

  public static final String NAME = "routing-weights";

  /** Records of the topic a stage could not use, tagged {@code stage}. */
  public static final String UNREADABLE_METER = "gatestream.weights.unreadable";

  private static final Logger LOG = LoggerFactory.getLogger(RoutingWeightsStore.class);

  private RoutingWeightsStore() {}

  /**
   * @param onUnreadable hears of each record skipped because it is not usable routing weights
   */
  public static void addTo(
      Topology topology,
      Topics topics,
      Serde<RoutingWeights> serde,
      Consumer<RoutingWeights> listener,
      Runnable onUnreadable) {
    String topic = topics.routingWeights().name();
    topology.addGlobalStore(
        Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(NAME), Serdes.String(), serde)
            .withLoggingDisabled(),
        "routing-weights-in",
        Serdes.String().deserializer(),
        Serdes.ByteArray().deserializer(),
        topic,
        "routing-weights-update",
        () -> new Updater(topic, serde.deserializer(), listener, onUnreadable));
  }

  /**
   * The stored snapshot of a policy, or null. Processors read this once at init, since the global
   * store may have been restored before they start.
   */
  public static RoutingWeights latest(ProcessorContext<?, ?> context, String policy) {
    KeyValueStore<String, ValueAndTimestamp<RoutingWeights>> store = context.getStateStore(NAME);
    ValueAndTimestamp<RoutingWeights> latest = store.get(policy);
    return latest == null ? null : latest.value();
  }

  private static final class Updater implements Processor<String, byte[], Void, Void> {
    private final String topic;
    // Wildcard-typed: what the bytes turn out to be is checked, not assumed.
    private final Deserializer<?> deserializer;
    private final Consumer<RoutingWeights> listener;
    private final Runnable onUnreadable;
    private TimestampedKeyValueStore<String, RoutingWeights> store;

    Updater(
        String topic,
        Deserializer<?> deserializer,
        Consumer<RoutingWeights> listener,
        Runnable onUnreadable) {
      this.topic = topic;
      this.deserializer = deserializer;
      this.listener = listener;
      this.onUnreadable = onUnreadable;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(NAME);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key()); // a tombstone: the policy's weights are withdrawn
        return;
      }
      RoutingWeights weights;
      try {
        Object value = deserializer.deserialize(topic, record.value());
        if (!(value instanceof RoutingWeights read)) {
          throw new IllegalArgumentException(
              "a "
                  + (value == null ? "null" : value.getClass().getSimpleName())
                  + ", not routing weights");
        }
        weights = read;
      } catch (RuntimeException e) {
        skip(record, "cannot read routing weights: " + e.getMessage());
        return;
      }
      store.put(record.key(), ValueAndTimestamp.make(weights, record.timestamp()));
      try {
        listener.accept(weights);
      } catch (RuntimeException e) {
        skip(record, "cannot use routing weights: " + e);
      }
    }

    private void skip(Record<String, byte[]> record, String reason) {
      onUnreadable.run();
      LOG.warn(
          "skipping the record of key '{}' on {} ({} bytes): {}",
          record.key(),
          topic,
          record.value().length,
          reason);
    }
  }
}
