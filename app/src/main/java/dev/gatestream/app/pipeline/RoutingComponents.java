package dev.gatestream.app.pipeline;

import dev.gatestream.app.evaluate.CandidateSpec;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.features.FeatureSpec;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.policy.features.Featurizers;
import dev.gatestream.policy.features.MiniLmFeaturizer;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import dev.gatestream.policy.gates.SpendController;
import dev.gatestream.policy.gates.SuccessPredictorGate;
import dev.gatestream.streams.router.ActivePolicy;
import dev.gatestream.streams.router.CandidateRunner;
import dev.gatestream.streams.router.GateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.config.ConfigException;

/** The router's featurizer and gate, as configuration describes them. */
public final class RoutingComponents {

  private RoutingComponents() {}

  /** The layout of the router's features, which the learner and evaluate share. */
  public static FeatureSpec featureSpec(GatestreamConfig config) {
    try {
      return FeatureSpec.of(
          config.getList(GatestreamConfig.ROUTER_FEATURES),
          config.getInt(GatestreamConfig.ROUTER_FEATURES_TASK_DIMENSION),
          config.getInt(GatestreamConfig.ROUTER_FEATURE_DIMENSION),
          config.getInt(GatestreamConfig.ROUTER_PROJECTION_DIMENSION));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(GatestreamConfig.ROUTER_FEATURES + ": " + e.getMessage());
    }
  }

  public static Featurizer featurizer(GatestreamConfig config) {
    return Featurizers.create(
        featureSpec(config),
        config.getInt(GatestreamConfig.ROUTER_MAX_TEXT_CHARS),
        config.getInt(GatestreamConfig.ROUTER_MINILM_MAX_TOKENS),
        MiniLmFeaturizer.threads(config.getInt(GatestreamConfig.ROUTER_MINILM_THREADS)));
  }

  public static GateSpec gateSpec(GatestreamConfig config) {
    GateSpec spec =
        switch (GateSpec.Kind.fromId(config.getString(GatestreamConfig.ROUTER_GATE))) {
          case BANDIT ->
              GateSpec.bandit(
                      config.getInt(GatestreamConfig.ROUTER_GATE_K),
                      config.getDouble(GatestreamConfig.ROUTER_GATE_OPTIMISM),
                      config.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA))
                  .withSpendTarget(
                      config.getDouble(GatestreamConfig.ROUTER_SPEND_TARGET),
                      config.getDouble(GatestreamConfig.ROUTER_SPEND_STEP));
          case KNN ->
              GateSpec.knn(
                      config.getInt(GatestreamConfig.ROUTER_GATE_K),
                      config.getInt(GatestreamConfig.ROUTER_GATE_NEIGHBOURS),
                      config.getDouble(GatestreamConfig.ROUTER_GATE_OPTIMISM),
                      config.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA))
                  .withSpendTarget(
                      config.getDouble(GatestreamConfig.ROUTER_SPEND_TARGET),
                      config.getDouble(GatestreamConfig.ROUTER_SPEND_STEP));
          case TASK_RULES ->
              GateSpec.taskRules(
                  taskRules(config.getString(GatestreamConfig.ROUTER_TASK_RULES)),
                  config.getList(GatestreamConfig.ROUTER_DEFAULT_EXPERTS));
          case CASCADE -> GateSpec.cascade(cascadeRule(config));
          case SOFTMAX_TOP_K -> GateSpec.softmaxTopK(config.getInt(GatestreamConfig.ROUTER_GATE_K));
          case TOP_P ->
              GateSpec.topP(
                  config.getDouble(GatestreamConfig.ROUTER_GATE_P),
                  config.getInt(GatestreamConfig.ROUTER_GATE_MAX_K));
          case SIGMOID ->
              GateSpec.sigmoid(
                  config.getInt(GatestreamConfig.ROUTER_GATE_K),
                  config.getList(GatestreamConfig.ROUTER_GATE_SHARED_EXPERTS));
          case SUCCESS_PREDICTOR ->
              GateSpec.successPredictor(
                  "cheapest-above-threshold"
                          .equals(config.getString(GatestreamConfig.ROUTER_GATE_MODE))
                      ? SuccessPredictorGate.Mode.CHEAPEST_ABOVE_THRESHOLD
                      : SuccessPredictorGate.Mode.NET_UTILITY,
                  config.getDouble(GatestreamConfig.ROUTER_GATE_THRESHOLD),
                  config.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA));
        };
    if (spec.kind() == GateSpec.Kind.CASCADE) {
      return spec; // it explores by router.cascade.exploration
    }
    double margin = config.getDouble(GatestreamConfig.ROUTER_GATE_MARGIN);
    if (margin > 0) {
      spec = spec.withBroadcast(margin, config.getInt(GatestreamConfig.ROUTER_GATE_MAX_K));
    }
    return switch (config.getString(GatestreamConfig.ROUTER_EXPLORATION)) {
      case "epsilon" ->
          spec.withEpsilonGreedy(config.getDouble(GatestreamConfig.ROUTER_EXPLORATION_EPSILON))
              .withExplorationDecay(
                  config.getDouble(GatestreamConfig.ROUTER_EXPLORATION_DECAY),
                  config.getInt(GatestreamConfig.ROUTER_EXPLORATION_MIN_OUTCOMES));
      case "temperature" ->
          spec.withTemperatureSampling(
              config.getDouble(GatestreamConfig.ROUTER_EXPLORATION_TEMPERATURE));
      default -> spec;
    };
  }

  /**
   * The gate factory: the configured gate over these experts, with the given weights or the prior.
   */
  public static GateFactory gateFactory(GateSpec spec, List<Expert> experts, int featureDimension) {
    // One spend controller for every version: the price of cost it learned survives weight swaps.
    SpendController spend =
        new SpendController(spec.lambda(), spec.spendTarget(), spec.spendStep());
    // Built once up front so that a configuration error surfaces at start, not at the first
    // request.
    Gates.create(spec, experts, featureDimension, null, spend);
    return weights -> Gates.create(spec, experts, featureDimension, weights, spend);
  }

  /**
   * Builds the gates that published weights name (a promoted candidate's, or production's with a
   * shadow expert promoted into it), as a candidate spec over the configuration would build them.
   *
   * @param shadows the shadow experts, which a gate chooses among once promoted
   */
  public static GateFactory.Resolver resolver(
      GatestreamConfig config, List<Expert> experts, List<Expert> shadows, int featureDimension) {
    return spec -> {
      GatestreamConfig gate = candidateConfig(config, spec);
      return gateFactory(gateSpec(gate), gateExperts(gate, experts, shadows), featureDimension);
    };
  }

  /** The experts a gate chooses among: the configured ones and the shadows promoted to them. */
  public static List<Expert> gateExperts(
      GatestreamConfig config, List<Expert> experts, List<Expert> shadows) {
    List<String> promoted = promotedExperts(config);
    if (promoted.isEmpty()) {
      return experts;
    }
    List<Expert> all = new ArrayList<>(experts);
    for (String name : promoted) {
      Expert shadow =
          shadows.stream()
              .filter(expert -> expert.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ConfigException(
                          GatestreamConfig.ROUTER_GATE_PROMOTED_EXPERTS
                              + ": "
                              + name
                              + " is no shadow expert of the experts file"));
      if (!all.contains(shadow)) {
        all.add(shadow);
      }
    }
    return List.copyOf(all);
  }

  /** router.gate.promoted.experts, split. */
  public static List<String> promotedExperts(GatestreamConfig config) {
    List<String> names = new ArrayList<>();
    for (String name :
        config.getString(GatestreamConfig.ROUTER_GATE_PROMOTED_EXPERTS).split("\\|")) {
      if (!name.isBlank()) {
        names.add(name.strip());
      }
    }
    return names;
  }

  /** The configuration plus a candidate gate's settings (KIND[:KEY=VALUE,...]). */
  public static GatestreamConfig candidateConfig(GatestreamConfig config, String spec) {
    CandidateSpec parsed;
    try {
      parsed = CandidateSpec.parse(spec);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(GatestreamConfig.ROUTER_CANDIDATE_GATE + ": " + e.getMessage());
    }
    if (!(parsed instanceof CandidateSpec.Gate gate)) {
      throw new ConfigException(
          GatestreamConfig.ROUTER_CANDIDATE_GATE
              + ": '"
              + spec
              + "' is no gate the router can run (uniform and always:EXPERT are evaluate's only)");
    }
    return withSettings(config, gate.settings());
  }

  /** The configuration with these keys set over it. */
  public static GatestreamConfig withSettings(GatestreamConfig base, Map<String, String> settings) {
    Map<String, String> values = new HashMap<>();
    base.originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.putAll(settings);
    return new ConfigLoader(Map.of()).load(null, values);
  }

  /**
   * The candidate policy the configuration names (router.candidate.*), or null: its gate (the
   * production gate's settings when router.candidate.gate is empty) over the same experts and
   * features.
   */
  public static CandidateRunner candidate(
      GatestreamConfig config,
      List<Expert> experts,
      int featureDimension,
      GateFactory.Resolver resolver,
      LongSupplier clock) {
    String name = config.getString(GatestreamConfig.ROUTER_CANDIDATE_POLICY);
    if (name.isBlank()) {
      return null;
    }
    String gate = config.getString(GatestreamConfig.ROUTER_CANDIDATE_GATE);
    GateFactory factory =
        gate.isBlank()
            ? gateFactory(gateSpec(config), experts, featureDimension)
            : resolver.forGate(gate);
    try {
      return new CandidateRunner(
          new ActivePolicy(name, factory, resolver, clock),
          config.getString(GatestreamConfig.ROUTER_POLICY),
          config.getDouble(GatestreamConfig.ROUTER_CANDIDATE_CANARY_SHARE));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(GatestreamConfig.ROUTER_CANDIDATE_POLICY + ": " + e.getMessage());
    }
  }

  private static CascadeRule cascadeRule(GatestreamConfig config) {
    try {
      return new CascadeRule(
          config.getList(GatestreamConfig.ROUTER_CASCADE_ORDER),
          config.getDouble(GatestreamConfig.ROUTER_CASCADE_THRESHOLD),
          config.getLong(GatestreamConfig.ROUTER_CASCADE_MIN_REMAINING_MS),
          config.getDouble(GatestreamConfig.ROUTER_CASCADE_EXPLORATION));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(GatestreamConfig.ROUTER_CASCADE_ORDER + ": " + e.getMessage());
    }
  }

  /** Parses "task=expertA|expertB;task2=expertC". */
  static Map<String, List<String>> taskRules(String rules) {
    Map<String, List<String>> parsed = new LinkedHashMap<>();
    if (rules.isBlank()) {
      return parsed;
    }
    for (String rule : rules.split(";")) {
      int equals = rule.indexOf('=');
      if (equals <= 0 || equals == rule.length() - 1) {
        throw new ConfigException(
            GatestreamConfig.ROUTER_TASK_RULES
                + ": rule '"
                + rule.strip()
                + "' is not task=expert|expert");
      }
      parsed.put(
          rule.substring(0, equals).strip(),
          Arrays.stream(rule.substring(equals + 1).split("\\|")).map(String::strip).toList());
    }
    return parsed;
  }
}
