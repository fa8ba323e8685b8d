package dev.gatestream.streams.router;

import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.topics.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;

/**
 * The router stage: requests → one task per chosen expert, on that expert's task topic (chosen per
 * record by a topic-name extractor), and one routing decision. Weights come from the compacted
 * routing-weights topic, read whole into a global store by every instance. Requests are read as
 * bytes, so that what cannot be read, or is out of bounds, becomes a dead letter instead of
 * stopping the stage. Within the dedupe window, an id already routed is refused (dead-lettered with
 * code {@code duplicate}) rather than routed twice. Beside production it may run shadow experts
 * (sent a sample of requests, recorded as shadow in the decision, never fused) and a candidate
 * policy (its decisions on the candidate-decisions topic), see {@link RouterLifecycle}.
 */
public final class RouterTopology {

  static final String TASK_SINK = "expert-tasks-out";
  static final String DECISION_SINK = "decisions-out";
  static final String DEAD_LETTER_SINK = "dead-letters-out";
  static final String CANDIDATE_SINK = "candidate-decisions-out";

  /** Ids routed within the dedupe window, by when. */
  static final String ROUTED_IDS_STORE = "router-routed-ids";

  private RouterTopology() {}

  /**
   * @param replyTopics what a request's replyTo is checked against
   */
  public static Topology build(
      Topics topics,
      GatestreamSerdes serdes,
      Featurizer featurizer,
      ActivePolicy policy,
      RouterMetrics metrics,
      RouterLimits limits,
      ReplyTopics replyTopics) {
    return build(
        topics, serdes, featurizer, policy, metrics, limits, replyTopics, RouterLifecycle.none());
  }

  /**
   * @param lifecycle the shadow experts and candidate policy it runs beside production
   */
  public static Topology build(
      Topics topics,
      GatestreamSerdes serdes,
      Featurizer featurizer,
      ActivePolicy policy,
      RouterMetrics metrics,
      RouterLimits limits,
      ReplyTopics replyTopics,
      RouterLifecycle lifecycle) {
    Serde<InferenceRequest> requestSerde = serdes.valueSerde(topics.requests());
    Serde<RoutingWeights> weightsSerde = serdes.valueSerde(topics.routingWeights());
    Map<String, String> taskTopics = new ConcurrentHashMap<>();

    Topology topology = new Topology();
    CandidateRunner candidate = lifecycle.candidate();
    RoutingWeightsStore.addTo(
        topology,
        topics,
        weightsSerde,
        weights -> {
          policy.offer(weights);
          if (candidate != null) {
            candidate.offer(weights);
          }
        },
        metrics::weightsUnreadable);

    topology.addSource(
        "requests-in",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        topics.requests().name());
    UnaryOperator<String> taskTopicOf =
        expert -> taskTopics.computeIfAbsent(expert, name -> topics.expertTasks(name).name());
    topology.addProcessor(
        "route",
        () ->
            new RouterProcessor(
                requestSerde.deserializer(),
                featurizer,
                policy,
                metrics,
                limits,
                replyTopics,
                topics.decisions().name(),
                taskTopicOf,
                lifecycle),
        "requests-in");
    if (!limits.dedupeWindow().isZero()) {
      topology.addStateStore(
          RoutedIds.storeBuilder(ROUTED_IDS_STORE, limits.dedupeWindow()), "route");
    }
    topology.addSink(
        TASK_SINK,
        (requestId, task, context) -> taskTopicOf.apply(((ExpertTask) task).getExpert()),
        Serdes.String().serializer(),
        serdes.avro(ExpertTask.class, false).serializer(),
        "route");
    topology.addSink(
        DECISION_SINK,
        topics.decisions().name(),
        Serdes.String().serializer(),
        serdes.<RoutingDecision>valueSerde(topics.decisions()).serializer(),
        "route");
    if (candidate != null) {
      topology.addSink(
          CANDIDATE_SINK,
          topics.candidateDecisions().name(),
          Serdes.String().serializer(),
          serdes.<CandidateDecision>valueSerde(topics.candidateDecisions()).serializer(),
          "route");
    }
    topology.addSink(
        DEAD_LETTER_SINK,
        topics.deadLetters().name(),
        Serdes.ByteArray().serializer(),
        Serdes.ByteArray().serializer(),
        "route");
    return topology;
  }
}
