package dev.gatestream.streams.fusion;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.contracts.internal.FusionState;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.StateSerde;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The fusion stage: decisions + expert results → fused results (and each request's reply-to topic).
 * Both inputs are read as bytes so that a record that cannot be deserialized becomes a dead letter
 * instead of stopping the stage, and the fused result is written as the bytes the processor
 * serialized, so that it knows their size before the producer does. State is bounded (see {@link
 * FusionProcessor}) and held in memory, backed by changelog topics from which it is restored after
 * a restart.
 */
public final class FusionTopology {

  static final String PENDING_STORE = "fusion-pending";
  static final String DUE_INDEX_STORE = "fusion-due-index";
  static final String EXPIRY_INDEX_STORE = "fusion-expiry-index";
  static final String FUSED_SINK = "fused-results-out";
  static final String REPLY_SINK = "replies-out";
  static final String DEAD_LETTER_SINK = "dead-letters-out";
  // A cascade's escalations: tasks for its next expert.
  static final String TASK_SINK = "expert-tasks-out";

  private FusionTopology() {}

  /**
   * @param reliability fed from the routing-weights topic, for settings that weigh by reliability
   * @param replyTopics what a request's reply-to topic is checked against before fusion writes
   *     there
   */
  public static Topology build(
      Topics topics,
      GatestreamSerdes serdes,
      FusionSettings settings,
      FusionLimits limits,
      ExpertReliability reliability,
      FusionMetrics metrics,
      ReplyTopics replyTopics) {
    Serde<RoutingDecision> decisionSerde = serdes.valueSerde(topics.decisions());
    Serde<ExpertResult> resultSerde = serdes.valueSerde(topics.expertResults());
    Serde<FusedResult> fusedSerde = serdes.valueSerde(topics.fusedResults());

    Serde<RoutingWeights> weightsSerde = serdes.valueSerde(topics.routingWeights());
    Topology topology = new Topology();
    RoutingWeightsStore.addTo(
        topology, topics, weightsSerde, reliability::offer, metrics::weightsUnreadable);
    topology.addSource(
        "decisions-in",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        topics.decisions().name());
    topology.addSource(
        "expert-results-in",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        topics.expertResults().name());
    topology.addProcessor(
        "fuse",
        () ->
            new FusionProcessor(
                topics,
                decisionSerde.deserializer(),
                resultSerde.deserializer(),
                resultSerde.serializer(),
                fusedSerde.serializer(),
                settings,
                limits,
                reliability,
                replyTopics,
                metrics),
        "decisions-in",
        "expert-results-in");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.String(),
                StateSerde.of(FusionState.class))
            .withCachingEnabled(),
        "fuse");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DUE_INDEX_STORE), Serdes.String(), Serdes.String())
            .withLoggingDisabled(),
        "fuse");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(EXPIRY_INDEX_STORE), Serdes.String(), Serdes.String())
            .withLoggingDisabled(),
        "fuse");
    topology.addSink(
        FUSED_SINK,
        topics.fusedResults().name(),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        "fuse");
    topology.addSink(
        REPLY_SINK,
        (key, value, context) ->
            replyTopic(context.headers().lastHeader(GatestreamHeaders.REPLY_TO)),
        Serdes.String().serializer(),
        Serdes.ByteArray().serializer(),
        "fuse");
    Map<String, String> taskTopics = new ConcurrentHashMap<>();
    topology.addSink(
        TASK_SINK,
        (requestId, task, context) ->
            taskTopics.computeIfAbsent(
                ((ExpertTask) task).getExpert(), expert -> topics.expertTasks(expert).name()),
        Serdes.String().serializer(),
        serdes.avro(ExpertTask.class, false).serializer(),
        "fuse");
    topology.addSink(
        DEAD_LETTER_SINK,
        topics.deadLetters().name(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        "fuse");
    return topology;
  }

  private static String replyTopic(Header header) {
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
