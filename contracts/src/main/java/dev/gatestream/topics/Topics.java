package dev.gatestream.topics;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The catalogue of Gatestream's topics: the only place topic names are spelled. Data flows requests
 * → (router) → expert tasks → (experts) → expert results → (fusion) → fused results, and feedback →
 * (adaptation) → routing weights → (router). Every key is the request id, except on the
 * routing-weights topic, which is keyed by policy name and compacted so it holds each policy's
 * latest weights.
 */
public final class Topics {

  static final String EXPERT_TASKS = "expert-tasks-";

  private final String prefix;
  private final int partitions;
  private final short replication;

  public Topics(String prefix, int partitions, short replication) {
    this.prefix = prefix;
    this.partitions = partitions;
    this.replication = replication;
  }

  /**
   * Replicas that must have a write before it is acknowledged: all but one, so one broker may be
   * down without stopping writes; at least one. Kafka Streams' internal topics follow it too.
   */
  public static int minInsyncReplicas(short replication) {
    return Math.max(1, replication - 1);
  }

  public static Topics from(GatestreamConfig config) {
    return new Topics(
        config.getString(GatestreamConfig.TOPIC_PREFIX),
        config.getInt(GatestreamConfig.TOPIC_PARTITIONS),
        config.getShort(GatestreamConfig.TOPIC_REPLICATION));
  }

  public TopicSpec<String, InferenceRequest> requests() {
    return data("requests", InferenceRequest.class);
  }

  public TopicSpec<String, RoutingDecision> decisions() {
    return data("decisions", RoutingDecision.class);
  }

  public TopicSpec<String, ExpertTask> expertTasks(String expertName) {
    return data(EXPERT_TASKS + ExpertId.of(expertName), ExpertTask.class);
  }

  public TopicSpec<String, ExpertResult> expertResults() {
    return data("expert-results", ExpertResult.class);
  }

  public TopicSpec<String, FusedResult> fusedResults() {
    return data("fused-results", FusedResult.class);
  }

  /**
   * What each candidate policy running beside production decided, counterfactual or canary, with
   * its propensities: the log that promotion judges it on.
   */
  public TopicSpec<String, CandidateDecision> candidateDecisions() {
    return data("candidate-decisions", CandidateDecision.class);
  }

  public TopicSpec<String, Feedback> feedback() {
    return data("feedback", Feedback.class);
  }

  /** Compacted, one partition: read whole as a global table by every router instance. */
  public TopicSpec<String, RoutingWeights> routingWeights() {
    return new TopicSpec<>(
        prefix + "routing-weights",
        String.class,
        RoutingWeights.class,
        1,
        replication,
        CleanupPolicy.COMPACT,
        withMinIsr(Map.of("min.compaction.lag.ms", "0", "segment.ms", "600000")));
  }

  /**
   * Records no stage could process, as the bytes that arrived, with the reason and origin in
   * headers ({@link GatestreamHeaders}); kept for 14 days.
   */
  public TopicSpec<byte[], byte[]> deadLetters() {
    return new TopicSpec<>(
        prefix + "dead-letters",
        byte[].class,
        byte[].class,
        partitions,
        replication,
        CleanupPolicy.DELETE,
        withMinIsr(Map.of("retention.ms", String.valueOf(14L * 24 * 3600 * 1000))));
  }

  /**
   * Where fusion also writes the results of requests one gateway instance sent (their replyTo), so
   * each instance reads only its own; one partition, since one consumer reads it whole, and kept an
   * hour, since a reply is useless once its caller has given up.
   */
  public TopicSpec<String, FusedResult> replies(String instanceId) {
    return new TopicSpec<>(
        prefix + "replies-" + instanceId,
        String.class,
        FusedResult.class,
        1,
        replication,
        CleanupPolicy.DELETE,
        withMinIsr(Map.of("retention.ms", String.valueOf(3600L * 1000))));
  }

  /**
   * Where fusion also writes the results of one batch-scoring run (their replyTo): only that run's
   * results, so it reads nothing else and a resumed run re-reads them from the offset its journal
   * recorded. One partition (one reader, one offset to record); kept 7 days, so an interrupted run
   * can be resumed days later; deleted by the run once it completes.
   */
  public TopicSpec<String, FusedResult> scoreReplies(String runId) {
    return new TopicSpec<>(
        prefix + "score-" + runId,
        String.class,
        FusedResult.class,
        1,
        replication,
        CleanupPolicy.DELETE,
        withMinIsr(Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000))));
  }

  /** The topics every deployment has, whatever its experts. */
  public List<TopicSpec<?, ?>> core() {
    return List.of(
        requests(),
        decisions(),
        expertResults(),
        fusedResults(),
        feedback(),
        routingWeights(),
        deadLetters(),
        candidateDecisions());
  }

  /** The core topics plus one task topic per expert. */
  public List<TopicSpec<?, ?>> all(Collection<String> expertNames) {
    List<TopicSpec<?, ?>> all = new ArrayList<>(core());
    expertNames.forEach(name -> all.add(expertTasks(name)));
    return all;
  }

  /** The expert whose task topic this is, if it is one of ours. */
  public Optional<String> expertOfTaskTopic(String topicName) {
    String taskPrefix = prefix + EXPERT_TASKS;
    if (!topicName.startsWith(taskPrefix)) {
      return Optional.empty();
    }
    return Optional.of(ExpertId.nameOf(topicName.substring(taskPrefix.length())));
  }

  private <V> TopicSpec<String, V> data(String name, Class<V> valueType) {
    return new TopicSpec<>(
        prefix + name,
        String.class,
        valueType,
        partitions,
        replication,
        CleanupPolicy.DELETE,
        withMinIsr(Map.of()));
  }

  private Map<String, String> withMinIsr(Map<String, String> configs) {
    Map<String, String> all = new HashMap<>(configs);
    all.put(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(minInsyncReplicas(replication)));
    return all;
  }
}
