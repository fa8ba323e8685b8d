package dev.gatestream.cli;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.evaluate.CandidateSpec;
import dev.gatestream.app.evaluate.DecisionFeedbackJoin;
import dev.gatestream.app.evaluate.DecisionLines;
import dev.gatestream.app.evaluate.LogEntry;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.RoutingComponents;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.Expert;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.evaluation.CandidatePolicy;
import dev.gatestream.policy.evaluation.Estimand;
import dev.gatestream.policy.evaluation.Estimate;
import dev.gatestream.policy.evaluation.Evaluation;
import dev.gatestream.policy.evaluation.EvaluationSettings;
import dev.gatestream.policy.evaluation.OffPolicyEvaluator;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.policy.gates.GateSpec;
import dev.gatestream.policy.gates.Gates;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import dev.gatestream.streams.router.ActivePolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream evaluate}: what a candidate policy would have scored on logged decisions. */
@Command(name = "evaluate", description = {
    "Off-policy evaluation: estimate what a candidate routing policy would have scored on logged decisions"
        + " and their feedback (inverse propensity scoring, self-normalized IPS, doubly robust), with"
        + " bootstrap confidence intervals and the importance weights' effective sample size. Refuses a"
        + " candidate the logged propensities cannot support."})
final class EvaluateCommand implements Callable<Integer> {

  /** How much earlier than its decision a result's or feedback's timestamp may be (producers' clocks differ). */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--decisions", required = true, paramLabel = "SOURCE", description = {
      "kafka:TOPIC[@FROM..TO] (a decisions topic; FROM/TO empty, an offset or an ISO-8601 time such as"
          + " 2026-11-25T08:00:00Z, UTC without zone; FROM inclusive, TO exclusive), or FILE.jsonl written by"
          + " --export."})
  String decisions;

  @Option(names = "--feedback", paramLabel = "kafka:TOPIC[@FROM..TO]", description = "Where the decisions'"
      + " feedback is (default: the configured feedback topic, from 5 minutes before the first decision read).")
  String feedback;

  @Option(names = "--results", paramLabel = "kafka:TOPIC[@FROM..TO]", description = "Where the chosen experts'"
      + " results are, judged against the feedback as the adaptation job judges them (default: the configured"
      + " expert-results topic, from 5 minutes before the first decision read).")
  String results;

  @Option(names = "--policy", required = true, paramLabel = "CANDIDATE", description = {
      "uniform, always:EXPERT, or a gate KIND[:KEY=VALUE,...] with router settings without their router.gate."
          + " or router. prefix, e.g. softmax-top-k:k=1,exploration=none (other router settings: the"
          + " configuration's)."})
  String policy;

  @Option(names = "--weights", paramLabel = "SOURCE", description = "The gate's weights: kafka (the configured"
      + " routing-weights topic), kafka:TOPIC, or FILE.json (a RoutingWeights record as JSON); the newest version"
      + " of router.policy. Default: the gate's initial weights.")
  String weights;

  @Option(names = "--estimand", defaultValue = "total", paramLabel = "total|mean", description = "total: expected"
      + " total reward (quality - router.gate.lambda x cost, and either part) of the experts the candidate"
      + " selects per request; mean: per selected expert (default: ${DEFAULT-VALUE}).")
  String estimand;

  @Option(names = "--resamples", defaultValue = "1000", paramLabel = "N",
      description = "Bootstrap resamples per interval (default: ${DEFAULT-VALUE}).")
  int bootstrapSamples;

  @Option(names = "--confidence", defaultValue = "0.95", description = "Interval level (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the folds and resamples (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--support-tolerance", defaultValue = "0.001", paramLabel = "SHARE", description = "Largest share"
      + " of the candidate's selection mass allowed on experts the logging policy could not choose (default:"
      + " ${DEFAULT-VALUE}).")
  double supportTolerance;

  @Option(names = "--export", paramLabel = "FILE.jsonl", description = "Also write the decisions read, joined with"
      + " their feedback, as JSON Lines: --decisions FILE.jsonl repeats the evaluation offline.")
  Path export;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  /** What was read and how much of it is usable. */
  record Source(String decisions, String results, String feedback, int decisionRecords, int unreadable,
      String firstUnreadable, int duplicates, int withFeedback) {}

  /** The whole report, as --json writes it. */
  record Report(Source source, String candidate, Evaluation evaluation, double seconds) {}

  @Override
  public Integer call() throws IOException {
    long start = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    GatestreamConfig base = options.load();
    EvaluationSettings settings = settings(base);
    CandidateSpec candidate = CandidateSpec.parse(policy);
    GatestreamConfig config = candidate instanceof CandidateSpec.Gate gate ? withSettings(base, gate.settings()) : base;

    Deployment deployment = null;
    List<LogEntry> entries;
    Source source;
    if (TopicRange.isTopicSpec(decisions)) {
      deployment = new Deployment(config, GlobalOptions.home());
      Read read = readKafka(deployment, config);
      entries = read.entries();
      source = read.source();
    } else {
      if (feedback != null || results != null) {
        throw new UserError((feedback != null ? "--feedback" : "--results") + " goes with --decisions kafka:...;"
            + " a decisions file carries what each chosen expert earned");
      }
      Path file = Path.of(decisions);
      if (!Files.isRegularFile(file)) {
        throw new UserError("no such decisions file: " + file + " (or did you mean kafka:" + decisions + "?)");
      }
      entries = DecisionLines.read(file);
      source = new Source(decisions, null, null, entries.size(), 0, null, 0, entries.size());
    }
    out.printf(Locale.ROOT, "read %,d decisions from %s%s%n", source.decisionRecords(), source.decisions(),
        source.feedback() == null ? "" : String.format(Locale.ROOT, ", %,d with feedback from %s, results from %s",
            source.withFeedback(), source.feedback(), source.results()));
    if (source.unreadable() > 0) {
      out.printf(Locale.ROOT, "skipped %,d unreadable decisions, the first: %s%n", source.unreadable(),
          source.firstUnreadable());
    }
    if (source.duplicates() > 0) {
      out.printf(Locale.ROOT, "skipped %,d repeated decisions of a request id already read%n", source.duplicates());
    }
    if (export != null) {
      DecisionLines.write(export, entries);
      out.printf(Locale.ROOT, "exported %,d decisions to %s%n", entries.size(), export);
    }
    out.flush();
    if (entries.isEmpty()) {
      throw new UserError("no decisions to evaluate on in " + decisions);
    }

    StringBuilder description = new StringBuilder();
    CandidatePolicy candidatePolicy = candidatePolicy(candidate, config, deployment, entries, description);
    Evaluation evaluation = new OffPolicyEvaluator(settings).evaluate(
        entries.stream().map(LogEntry::decision).toList(), candidatePolicy);
    Report report = new Report(source, description.toString(), evaluation, (System.nanoTime() - start) / 1e9);
    print(report, settings, out);
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
      out.println("report written to " + json);
    }
    out.flush();
    return 0;
  }

  /** The reward prices cost as the deployment's router and adaptation job do, not as a candidate gate might. */
  private EvaluationSettings settings(GatestreamConfig config) {
    Estimand chosen = switch (estimand) {
      case "total" -> Estimand.TOTAL_REWARD;
      case "mean" -> Estimand.MEAN_REWARD;
      default -> throw new UserError("--estimand must be total or mean, not '" + estimand + "'");
    };
    try {
      return EvaluationSettings.defaults().withEstimand(chosen)
          .withLambda(config.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA))
          .withBootstrap(bootstrapSamples, confidence, seed).withSupportTolerance(supportTolerance);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  private static GatestreamConfig withSettings(GatestreamConfig base, Map<String, String> settings) {
    Map<String, String> values = new HashMap<>();
    base.originals().forEach((key, value) -> values.put(key, String.valueOf(value)));
    values.putAll(settings);
    return new ConfigLoader(Map.of()).load(null, values);
  }

  private record Read(List<LogEntry> entries, Source source) {}

  private Read readKafka(Deployment deployment, GatestreamConfig config) {
    Topics topics = Topics.from(config);
    TopicRange decisionRange = TopicRange.parse(decisions);
    KafkaClients kafka = deployment.clients();
    DecisionFeedbackJoin join = new DecisionFeedbackJoin();
    long[] earliest = {Long.MAX_VALUE};
    try (RegistrySerdes serdes = new RegistrySerdes(deployment.registryUrl(), false)) {
      TopicRangeReader.Result read = TopicRangeReader.read(kafka, new StringDeserializer(),
          serdes.avro(RoutingDecision.class, false).deserializer(), decisionRange, deployment.clientTimeout(),
          record -> {
            if (record.value() != null) {
              join.addDecision(record.value());
              earliest[0] = Math.min(earliest[0], record.timestamp());
            }
          });
      TopicRange resultsRange = after(results, topics.expertResults().name(), earliest[0]);
      TopicRangeReader.Result resultsRead = TopicRangeReader.read(kafka, new StringDeserializer(),
          serdes.avro(ExpertResult.class, false).deserializer(), resultsRange, deployment.clientTimeout(),
          record -> {
            if (record.value() != null) {
              join.addResult(record.value());
            }
          });
      TopicRange feedbackRange = after(feedback, topics.feedback().name(), earliest[0]);
      TopicRangeReader.Result feedbackRead = TopicRangeReader.read(kafka, new StringDeserializer(),
          serdes.avro(Feedback.class, false).deserializer(), feedbackRange, deployment.clientTimeout(),
          record -> {
            if (record.value() != null) {
              join.addFeedback(record.value());
            }
          });
      DecisionFeedbackJoin.Result joined = join.result();
      String firstUnreadable = read.firstMalformed()
          .map(m -> m.partition() + "@" + m.offset() + ": " + m.reason())
          .orElse(joined.firstInvalid().orElse(null));
      // Unreadable results and feedback leave their decisions without rewards: say so rather than lose them quietly.
      reportUnreadable("results", resultsRead);
      reportUnreadable("feedback records", feedbackRead);
      return new Read(joined.entries(), new Source(decisionRange.toString(), resultsRange.toString(),
          feedbackRange.toString(),
          (int) (read.records() + read.malformed()), (int) read.malformed() + joined.invalid(), firstUnreadable,
          joined.duplicates(), joined.withFeedback()));
    }
  }

  /** The given range, else the whole topic as of the first decision read, less the clock skew. */
  private static TopicRange after(String given, String topic, long firstDecisionMs) {
    if (given != null) {
      return TopicRange.parse(given);
    }
    return firstDecisionMs == Long.MAX_VALUE ? TopicRange.whole(topic)
        : TopicRange.since(topic, Instant.ofEpochMilli(firstDecisionMs).minus(CLOCK_SKEW));
  }

  private void reportUnreadable(String what, TopicRangeReader.Result read) {
    if (read.malformed() > 0) {
      spec.commandLine().getOut().printf(Locale.ROOT, "skipped %,d unreadable %s, the first at %s@%d%n",
          read.malformed(), what, read.firstMalformed().orElseThrow().partition(),
          read.firstMalformed().orElseThrow().offset());
    }
  }

  private CandidatePolicy candidatePolicy(CandidateSpec candidate, GatestreamConfig config, Deployment deployment,
      List<LogEntry> entries, StringBuilder description) {
    if (candidate instanceof CandidateSpec.Always always) {
      description.append("always ").append(always.expert());
      return CandidatePolicy.always(always.expert());
    }
    if (candidate instanceof CandidateSpec.Uniform) {
      description.append("uniform random (one expert among each request's candidates)");
      return CandidatePolicy.uniform();
    }
    GateSpec gateSpec = RoutingComponents.gateSpec(config);
    int dimension = 0;
    if (gateSpec.kind() != GateSpec.Kind.TASK_RULES) {
      try (Featurizer featurizer = RoutingComponents.featurizer(config)) {
        requireSameFeatures(entries, featurizer);
        dimension = featurizer.dimension();
      }
    }
    List<Expert> experts = experts(config, entries);
    WeightsSnapshot snapshot = weights(config, deployment);
    description.append(config.getString(GatestreamConfig.ROUTER_POLICY)).append(": ").append(describe(gateSpec))
        .append(snapshot == null ? ", initial weights" : ", weights v" + snapshot.version() + " from " + weights)
        .append(", ").append(experts.size()).append(" experts");
    return CandidatePolicy.of(Gates.create(gateSpec, experts, dimension, snapshot));
  }

  private static String describe(GateSpec gate) {
    String kind = gate.kind().id() + switch (gate.kind()) {
      case BANDIT -> " k=" + gate.k() + " optimism=" + gate.optimism() + " lambda=" + gate.lambda();
      case KNN -> " k=" + gate.k() + " neighbours=" + gate.neighbours() + " optimism=" + gate.optimism()
          + " lambda=" + gate.lambda();
      case SOFTMAX_TOP_K, SIGMOID -> " k=" + gate.k();
      case TOP_P -> " p=" + gate.p() + " max k=" + gate.maxK();
      case SUCCESS_PREDICTOR -> " " + gate.mode() + " threshold=" + gate.threshold() + " lambda=" + gate.lambda();
      case TASK_RULES -> " " + gate.taskRules();
    };
    if (gate.margin() > 0) {
      kind += " margin=" + gate.margin();
    }
    return kind + switch (gate.exploration()) {
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
      String made = (entry.featurizer() == null ? "unnamed featurizer" : entry.featurizer()) + " ("
          + (features == null ? "no" : Integer.toString(features.length)) + " features)";
      boolean fits = features != null && features.length == featurizer.dimension()
          && (entry.featurizer() == null || entry.featurizer().equals(featurizer.name()));
      if (!fits) {
        seen.merge(made, 1, Integer::sum);
      }
    }
    if (!seen.isEmpty()) {
      Map.Entry<String, Integer> first = seen.entrySet().iterator().next();
      throw new UserError(String.format(Locale.ROOT, "%,d logged decisions have features of %s but the candidate's"
          + " featurizer is %s (%d features): set router.features, router.feature.dimension and"
          + " router.projection.dimension as the logging router had them", seen.values().stream()
              .mapToInt(Integer::intValue).sum(), first.getKey(), featurizer.name(), featurizer.dimension()));
    }
  }

  /** The configured experts, or else every expert the logs name, in name order, at price 0. */
  private static List<Expert> experts(GatestreamConfig config, List<LogEntry> entries) {
    if (!config.getList(GatestreamConfig.EXPERTS).isEmpty()
        || !config.getString(GatestreamConfig.EXPERTS_FILE).isBlank()) {
      return ExpertCatalog.forGates(ExpertCatalog.load(config, GlobalOptions.home()));
    }
    TreeSet<String> names = new TreeSet<>();
    entries.forEach(entry -> names.addAll(entry.decision().loggingPropensities().keySet()));
    return names.stream().map(name -> new Expert(name, 0)).toList();
  }

  /** A RoutingWeights record as JSON; its bookkeeping fields are accepted and not needed. */
  @JsonIgnoreProperties({"examples", "publishedAtMs"})
  record WeightsFile(String policy, long version, List<String> experts, int featureDimension,
      Map<String, double[]> parameters) {}

  private WeightsSnapshot weights(GatestreamConfig config, Deployment deployment) {
    if (weights == null) {
      return null;
    }
    String policyName = config.getString(GatestreamConfig.ROUTER_POLICY);
    if (!weights.equals("kafka") && !TopicRange.isTopicSpec(weights)) {
      Path file = Path.of(weights);
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
        throw new UserError("weights file " + file + " is for policy " + read.policy() + ", the candidate's"
            + " router.policy is " + policyName);
      }
      return new WeightsSnapshot(policyName, read.version(), read.experts(), read.featureDimension(),
          read.parameters());
    }
    Deployment where = deployment != null ? deployment : new Deployment(config, GlobalOptions.home());
    String topic = weights.equals("kafka") ? Topics.from(config).routingWeights().name()
        : weights.substring(TopicRange.SCHEME.length());
    KafkaClients kafka = where.clients();
    Map<String, RoutingWeights> newest = new LinkedHashMap<>();
    try (RegistrySerdes serdes = new RegistrySerdes(where.registryUrl(), false)) {
      TopicRangeReader.read(kafka, new StringDeserializer(), serdes.avro(RoutingWeights.class, false).deserializer(),
          TopicRange.whole(topic), where.clientTimeout(), record -> {
            RoutingWeights value = record.value();
            if (value != null) {
              newest.merge(value.getPolicy(), value, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
            }
          });
    }
    RoutingWeights found = newest.get(policyName);
    if (found == null) {
      throw new UserError("no weights of policy " + policyName + " on " + topic
          + (newest.isEmpty() ? "" : " (it has " + String.join(", ", newest.keySet()) + "; set router.policy)"));
    }
    return ActivePolicy.toSnapshot(found);
  }

  static void print(Report report, EvaluationSettings settings, PrintWriter out) {
    Evaluation evaluation = report.evaluation();
    out.println();
    out.println("candidate: " + report.candidate());
    out.printf(Locale.ROOT, "estimand:  %s; %,d decisions, %,d used, %,d skipped (a chosen expert's reward unknown)%n",
        evaluation.estimand() == Estimand.TOTAL_REWARD ? "total reward of the selected experts per request"
            : "mean reward per selected expert",
        evaluation.decisions(), evaluation.used(), evaluation.decisions() - evaluation.used());
    String level = String.format(Locale.ROOT, "%s%% interval", trim(100 * settings.confidence()));
    out.printf(Locale.ROOT, "%n%-30s %8s   %-20s %9s%n", "estimator", "value", level, "std error");
    row(out, "IPS", evaluation.ips());
    row(out, "self-normalized IPS", evaluation.selfNormalizedIps());
    row(out, "doubly robust", evaluation.doublyRobust());
    row(out, "logging policy (on-policy)", evaluation.loggingPolicy());
    out.printf(Locale.ROOT, "%nreward = quality - %s x cost (router.gate.lambda); by part:%n", trim(evaluation.lambda()));
    parts(out, "quality", evaluation.quality());
    parts(out, "cost, USD", evaluation.cost());
    out.printf(Locale.ROOT, "%neffective sample size %,.0f of %,d (%.0f%%), max importance weight %.3g,"
        + " unsupported share %.2g%%%n", evaluation.effectiveSampleSize(), evaluation.used(),
        100 * evaluation.effectiveSampleSize() / evaluation.used(), evaluation.maxWeight(),
        100 * evaluation.unsupportedShare());
    evaluation.warnings().forEach(warning -> out.println("warning: " + warning));
    out.printf(Locale.ROOT, "(%.1f s)%n", report.seconds());
  }

  private static void parts(PrintWriter out, String part, Evaluation.Estimates estimates) {
    row(out, part + ", doubly robust", estimates.doublyRobust());
    row(out, part + ", logging policy", estimates.loggingPolicy());
  }

  private static void row(PrintWriter out, String name, Estimate estimate) {
    out.printf(Locale.ROOT, "%-30s %8.4f   [%.4f, %.4f]     %9.4f%n", name, estimate.value(), estimate.lower(),
        estimate.upper(), estimate.standardError());
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
