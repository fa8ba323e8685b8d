package dev.gatestream.app.evaluate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.RoutingComponents;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.evaluation.CandidatePolicy;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.streams.router.ActivePolicy;
import dev.gatestream.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Builds the candidate policy to evaluate, as the router would run it, and says what it built. */
final class Candidates {

  /** The policy and its description: gate, settings, weights and experts. */
  record Built(CandidatePolicy policy, String description) {}

  /** A RoutingWeights record as JSON; its bookkeeping fields are accepted and not needed. */
  @JsonIgnoreProperties({"examples", "publishedAtMs"})
  record WeightsFile(
      String policy,
      long version,
      List<String> experts,
      int featureDimension,
      Map<String, double[]> parameters) {}

  private final GatestreamConfig config;
  private final Path home;
  private final Deployment deployment;

  /**
   * @param config the configuration with the candidate's settings
   * @param deployment where the logs were read, null when they came from a file
   */
  Candidates(GatestreamConfig config, Path home, Deployment deployment) {
    this.config = config;
    this.home = home;
    this.deployment = deployment;
  }

  /**
   * @param weights the gate's weights (see {@link EvaluateSettings#weights()}), null for its
   *     initial ones
   */
  Built build(CandidateSpec candidate, List<LogEntry> entries, String weights) {
    if (candidate instanceof CandidateSpec.Always always) {
      return new Built(CandidatePolicy.always(always.expert()), "always " + always.expert());
    }
    if (candidate instanceof CandidateSpec.Uniform) {
      return new Built(
          CandidatePolicy.uniform(), "uniform random (one expert among each request's candidates)");
    }
    GateSpec gateSpec = RoutingComponents.gateSpec(config);
    int dimension = 0;
    if (gateSpec.kind() != GateSpec.Kind.TASK_RULES) {
      try (Featurizer featurizer = RoutingComponents.featurizer(config)) {
        requireSameFeatures(entries, featurizer);
        dimension = featurizer.dimension();
      }
    }
    List<Expert> experts = experts(entries);
    WeightsSnapshot snapshot = weights == null ? null : weights(weights);
    String description =
        config.getString(GatestreamConfig.ROUTER_POLICY)
            + ": "
            + describe(gateSpec)
            + (snapshot == null
                ? ", initial weights"
                : ", weights v" + snapshot.version() + " from " + weights)
            + ", "
            + experts.size()
            + " experts";
    return new Built(
        CandidatePolicy.of(Gates.create(gateSpec, experts, dimension, snapshot)), description);
  }

  private static String describe(GateSpec gate) {
    String kind =
        gate.kind().id()
            + switch (gate.kind()) {
              case BANDIT ->
                  " k=" + gate.k() + " optimism=" + gate.optimism() + " lambda=" + gate.lambda();
              case KNN ->
                  " k="
                      + gate.k()
                      + " neighbours="
                      + gate.neighbours()
                      + " optimism="
                      + gate.optimism()
                      + " lambda="
                      + gate.lambda();
              case SOFTMAX_TOP_K, SIGMOID -> " k=" + gate.k();
              case TOP_P -> " p=" + gate.p() + " max k=" + gate.maxK();
              case SUCCESS_PREDICTOR ->
                  " " + gate.mode() + " threshold=" + gate.threshold() + " lambda=" + gate.lambda();
              case TASK_RULES -> " " + gate.taskRules();
              case CASCADE ->
                  " order="
                      + gate.cascade().order()
                      + " threshold="
                      + gate.cascade().threshold()
                      + " (its first stage: escalations are judged by the cascade section)";
            };
    if (gate.margin() > 0) {
      kind += " margin=" + gate.margin();
    }
    return kind
        + switch (gate.exploration()) {
          case NONE -> ", no exploration";
          case EPSILON -> ", epsilon-greedy " + gate.epsilon();
          case TEMPERATURE -> ", temperature sampling T=" + gate.temperature();
        };
  }

  /** A gate scores the logged features: they must be what its featurizer would have made. */
  private static void requireSameFeatures(List<LogEntry> entries, Featurizer featurizer) {
    Map<String, Integer> seen = new TreeMap<>();
    for (LogEntry entry : entries) {
      float[] features = entry.decision().features();
      String made =
          (entry.featurizer() == null ? "unnamed featurizer" : entry.featurizer())
              + " ("
              + (features == null ? "no" : Integer.toString(features.length))
              + " features)";
      boolean fits =
          features != null
              && features.length == featurizer.dimension()
              && (entry.featurizer() == null || entry.featurizer().equals(featurizer.name()));
      if (!fits) {
        seen.merge(made, 1, Integer::sum);
      }
    }
    if (!seen.isEmpty()) {
      Map.Entry<String, Integer> first = seen.entrySet().iterator().next();
      throw new UserError(
          String.format(
              Locale.ROOT,
              "%,d logged decisions have features of %s but the candidate's"
                  + " featurizer is %s (%d features): set router.features, router.feature.dimension and"
                  + " router.projection.dimension as the logging router had them",
              seen.values().stream().mapToInt(Integer::intValue).sum(),
              first.getKey(),
              featurizer.name(),
              featurizer.dimension()));
    }
  }

  /** The configured experts, or else every expert the logs name, in name order, at price 0. */
  private List<Expert> experts(List<LogEntry> entries) {
    if (!config.getList(GatestreamConfig.EXPERTS).isEmpty()
        || !config.getString(GatestreamConfig.EXPERTS_FILE).isBlank()) {
      return ExpertCatalog.forGates(ExpertCatalog.load(config, home));
    }
    TreeSet<String> names = new TreeSet<>();
    entries.forEach(entry -> names.addAll(entry.decision().loggingPropensities().keySet()));
    return names.stream().map(name -> new Expert(name, 0)).toList();
  }

  /** The newest weights of the candidate's router.policy in the file or on the topic. */
  private WeightsSnapshot weights(String weights) {
    String policyName = config.getString(GatestreamConfig.ROUTER_POLICY);
    if (!weights.equals("kafka") && !TopicRange.isTopicSpec(weights)) {
      return weightsFile(Path.of(weights), policyName);
    }
    Deployment where = deployment != null ? deployment : new Deployment(config, home);
    String topic =
        weights.equals("kafka")
            ? Topics.from(config).routingWeights().name()
            : weights.substring(TopicRange.SCHEME.length());
    Map<String, RoutingWeights> newest = new LinkedHashMap<>();
    try (RegistrySerdes serdes = where.registry().serdes(false)) {
      TopicRangeReader.read(
          where.clients(),
          new StringDeserializer(),
          serdes.avro(RoutingWeights.class, false).deserializer(),
          TopicRange.whole(topic),
          where.clientTimeout(),
          record -> {
            RoutingWeights value = record.value();
            if (value != null) {
              newest.merge(
                  value.getPolicy(), value, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
            }
          });
    }
    RoutingWeights found = newest.get(policyName);
    if (found == null) {
      throw new UserError(
          "no weights of policy "
              + policyName
              + " on "
              + topic
              + (newest.isEmpty()
                  ? ""
                  : " (it has " + String.join(", ", newest.keySet()) + "; set router.policy)"));
    }
    return ActivePolicy.toSnapshot(found);
  }

  private static WeightsSnapshot weightsFile(Path file, String policyName) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("no such weights file: " + file + " (or kafka, kafka:TOPIC)");
    }
    WeightsFile read;
    try {
      read = new ObjectMapper().readValue(file.toFile(), WeightsFile.class);
    } catch (JsonProcessingException e) {
      throw new UserError("weights file " + file + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UserError("cannot read weights file " + file + ": " + e.getMessage());
    }
    if (read.policy() != null && !read.policy().equals(policyName)) {
      throw new UserError(
          "weights file "
              + file
              + " is for policy "
              + read.policy()
              + ", the candidate's"
              + " router.policy is "
              + policyName);
    }
    return new WeightsSnapshot(
        policyName, read.version(), read.experts(), read.featureDimension(), read.parameters());
  }
}
