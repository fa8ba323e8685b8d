package dev.gatestream.app.lifecycle;

import dev.gatestream.adaptation.PolicyLearnerFunction;
import dev.gatestream.app.UserError;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Interval;
import dev.gatestream.contracts.PromotionEvidence;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.evaluation.Comparison;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The policies' versions on the routing-weights topic, and the versions a promotion, a rollback or
 * the canary guardrail publishes. The topic is compacted by key, so before a version is replaced it
 * is kept under {@code POLICY@vVERSION} (same policy and version inside: routers, which ignore
 * versions not newer than theirs, pass it over), which a rollback restores as a new version.
 *
 * <p>Versions are numbered on the adaptation job's clock floor ({@link
 * PolicyLearnerFunction#VERSIONS_PER_MS}), so a promotion outranks any snapshot the job published
 * before it; the job adopts it and numbers its later snapshots after it, carrying its lineage.
 */
final class PolicyVersions implements AutoCloseable {

  /** Who decided a version: the PromotionEvidence.decidedBy values. */
  static final String RULE = "rule";

  static final String OPERATOR = "operator";
  static final String GUARDRAIL = "guardrail";

  /** router.gate.promoted.experts, as a gate spec names it. */
  private static final String PROMOTED =
      GatestreamConfig.ROUTER_GATE_PROMOTED_EXPERTS.substring("router.gate.".length());

  private final KafkaClients clients;
  private final String clientId;
  private final Topics topics;
  private final GatestreamSerdes serdes;
  private final Duration timeout;
  private final KafkaProducer<String, RoutingWeights> producer;

  PolicyVersions(
      KafkaClients clients,
      String clientId,
      Topics topics,
      GatestreamSerdes serdes,
      Duration timeout) {
    this.clients = clients;
    this.clientId = clientId;
    this.topics = topics;
    this.serdes = serdes;
    this.timeout = timeout;
    this.producer =
        clients.producer(
            clientId + "-weights",
            Map.of(ProducerConfig.ACKS_CONFIG, "all"),
            new StringSerializer(),
            serdes.valueSerde(topics.routingWeights()).serializer());
  }

  static String archiveKey(String policy, long version) {
    return policy + "@v" + version;
  }

  /** The newest record of every key, read whole. */
  Map<String, RoutingWeights> read() {
    Map<String, RoutingWeights> latest = new HashMap<>();
    TopicRangeReader.read(
        clients,
        new StringDeserializer(),
        serdes.valueSerde(topics.routingWeights()).deserializer(),
        TopicRange.whole(topics.routingWeights().name()),
        timeout,
        record -> {
          if (record.key() == null) {
            return;
          }
          if (record.value() == null) {
            latest.remove(record.key());
          } else {
            latest.put(record.key(), record.value());
          }
        });
    return latest;
  }

  /**
   * Publishes the candidate's weights and gate as the next version of production.
   *
   * @param gate the candidate's gate spec; null for production's configured gate
   * @param featureDimension what a candidate without published weights gets
   */
  RoutingWeights promote(
      String production,
      String candidate,
      String gate,
      int featureDimension,
      PromotionEvidence evidence) {
    Map<String, RoutingWeights> all = read();
    RoutingWeights current = all.get(production);
    RoutingWeights from = all.get(candidate);
    long candidateVersion = from == null ? 0 : from.getVersion();
    RoutingWeights.Builder next =
        from == null
            ? RoutingWeights.newBuilder()
                .setExperts(List.of())
                .setFeatureDimension(featureDimension)
                .setParameters(Map.of())
            : RoutingWeights.newBuilder(from).setCanaryShare(null);
    return replace(
        current,
        next.setPolicy(production)
            // replace() numbers and stamps it
            .setVersion(0)
            .setPublishedAtMs(0)
            .setGate(gate)
            .setPromotedFrom(archiveKey(candidate, candidateVersion))
            .setEvidence(evidence)
            .build());
  }

  /**
   * Publishes production's weights again with a shadow expert promoted into its gate: the gate
   * chooses among it from now on (and routers stop shadowing it).
   *
   * @param configuredGate production's configured gate kind, the base when its version names no
   *     gate
   */
  RoutingWeights promoteShadow(
      String production,
      String shadow,
      String configuredGate,
      int featureDimension,
      PromotionEvidence evidence) {
    RoutingWeights current = read().get(production);
    RoutingWeights.Builder next =
        current == null
            ? RoutingWeights.newBuilder()
                .setExperts(List.of())
                .setFeatureDimension(featureDimension)
                .setParameters(Map.of())
            : RoutingWeights.newBuilder(current);
    String base = current == null || current.getGate() == null ? configuredGate : current.getGate();
    return replace(
        current,
        next.setPolicy(production)
            .setVersion(0)
            .setPublishedAtMs(0)
            .setGate(withPromotedExpert(base, shadow))
            .setPromotedFrom(archiveKey(shadow, 0))
            .setEvidence(evidence)
            .build());
  }

  /**
   * The gate spec with one more promoted expert ({@code promoted.experts}, '|'-separated, as in
   * router.gate.promoted.experts).
   */
  static String withPromotedExpert(String spec, String expert) {
    int colon = spec.indexOf(':');
    String kind = colon < 0 ? spec : spec.substring(0, colon);
    List<String> settings = new java.util.ArrayList<>();
    String promoted = expert;
    if (colon >= 0) {
      for (String pair : spec.substring(colon + 1).split(",")) {
        if (pair.startsWith(PROMOTED + "=")) {
          String already = pair.substring(PROMOTED.length() + 1);
          promoted =
              List.of(already.split("\\|")).contains(expert) ? already : already + "|" + expert;
        } else if (!pair.isBlank()) {
          settings.add(pair);
        }
      }
    }
    settings.add(PROMOTED + "=" + promoted);
    return kind + ":" + String.join(",", settings);
  }

  /** Publishes the version production had before its latest promotion or rollback, anew. */
  RoutingWeights rollback(String production, PromotionEvidence evidence) {
    Map<String, RoutingWeights> all = read();
    RoutingWeights current = all.get(production);
    if (current == null || current.getPreviousVersion() == null) {
      throw new UserError(
          "policy "
              + production
              + (current == null
                  ? " has no published version"
                  : " v" + current.getVersion() + " replaced no earlier version")
              + ": nothing to roll back to");
    }
    long previous = current.getPreviousVersion();
    RoutingWeights restored = all.get(archiveKey(production, previous));
    RoutingWeights.Builder next =
        restored == null
            // v0: the configured initial weights, which no record holds
            ? RoutingWeights.newBuilder()
                .setExperts(List.of())
                .setFeatureDimension(current.getFeatureDimension())
                .setParameters(Map.of())
                .setGate(null)
            : RoutingWeights.newBuilder(restored);
    if (restored == null && previous != 0) {
      throw new UserError(
          "policy " + production + " v" + previous + " is no longer on the topic to roll back to");
    }
    return replace(
        current,
        next.setPolicy(production)
            .setVersion(0)
            .setPublishedAtMs(0)
            .setPromotedFrom(archiveKey(production, previous))
            .setEvidence(evidence)
            .build());
  }

  /** The candidate's weights again, its canary share 0: routers stop its canary at once. */
  RoutingWeights stopCanary(String candidate, int featureDimension, PromotionEvidence evidence) {
    RoutingWeights current = read().get(candidate);
    RoutingWeights.Builder next =
        current == null
            ? RoutingWeights.newBuilder()
                .setPolicy(candidate)
                .setVersion(0)
                .setExperts(List.of())
                .setFeatureDimension(featureDimension)
                .setParameters(Map.of())
            : RoutingWeights.newBuilder(current);
    RoutingWeights stopped =
        next.setVersion(nextVersion(current == null ? 0 : current.getVersion()))
            .setCanaryShare(0.0)
            .setEvidence(evidence)
            .setPublishedAtMs(System.currentTimeMillis())
            .build();
    send(candidate, stopped);
    return stopped;
  }

  /** Keeps the current version under its archive key, then publishes the next one over it. */
  private RoutingWeights replace(RoutingWeights current, RoutingWeights next) {
    long version = current == null ? 0 : current.getVersion();
    if (current != null) {
      send(archiveKey(current.getPolicy(), version), current);
    }
    RoutingWeights published =
        RoutingWeights.newBuilder(next)
            .setVersion(nextVersion(version))
            .setPreviousVersion(version)
            .setPublishedAtMs(System.currentTimeMillis())
            .build();
    send(published.getPolicy(), published);
    return published;
  }

  private static long nextVersion(long current) {
    return Math.max(
        current + 1, System.currentTimeMillis() * PolicyLearnerFunction.VERSIONS_PER_MS);
  }

  private void send(String key, RoutingWeights weights) {
    try {
      producer
          .send(new ProducerRecord<>(topics.routingWeights().name(), key, weights))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + key, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot publish " + key + " to " + topics.routingWeights().name() + ": " + e, e);
    }
  }

  /** The evidence record of a decision. */
  static PromotionEvidence evidence(
      String decidedBy, String reason, LifecycleReport report, double confidence) {
    return evidence(
        decidedBy, reason, report.decisions(), report.judged(), report.comparison(), confidence);
  }

  /** The evidence record of a decision on this comparison of decisions, judged of them. */
  static PromotionEvidence evidence(
      String decidedBy, String reason, int decisions, int judged, Comparison c, double confidence) {
    return PromotionEvidence.newBuilder()
        .setDecidedBy(decidedBy)
        .setReason(reason)
        .setDecisions(decisions)
        .setCoverage(decisions == 0 ? 0 : (double) judged / decisions)
        .setConfidence(confidence)
        .setCandidateValue(c == null ? null : interval(c.candidate().doublyRobust()))
        .setProductionValue(c == null ? null : interval(c.production().doublyRobust()))
        .setDifference(c == null ? null : interval(c.reward()))
        .setEffectiveSampleSize(c == null ? 0 : c.candidate().effectiveSampleSize())
        .setCandidateCost(c == null ? null : c.candidate().cost().doublyRobust().value())
        .setDecidedAtMs(System.currentTimeMillis())
        .build();
  }

  private static Interval interval(Estimate estimate) {
    return new Interval(estimate.value(), estimate.lower(), estimate.upper());
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
