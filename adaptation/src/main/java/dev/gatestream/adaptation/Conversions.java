package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.Lineage;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.policy.WeightsSnapshot;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.PolicyLearner;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.ResultEvent.AnswerKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Avro contracts to the job's plain records and back, at the edges of the job; {@code gatestream
 * evaluate} reads its records through these too, so that both judge the same fields.
 */
public final class Conversions {

  private Conversions() {}

  /** The decision as production chose: what evaluate weighs the log by. */
  public static DecisionEvent decision(RoutingDecision decision) {
    return decision(decision, decision.getChosen());
  }

  /**
   * The decision as the learner judges it: the chosen experts and the shadow experts the request
   * was also sent to (each at its sample rate), so that a shadow's quality and cost are learned
   * like any other expert's.
   */
  public static DecisionEvent learned(RoutingDecision decision) {
    if (decision.getShadow().isEmpty()) {
      return decision(decision);
    }
    List<ChosenExpert> all = new ArrayList<>(decision.getChosen());
    all.addAll(decision.getShadow());
    return decision(decision, all);
  }

  private static DecisionEvent decision(RoutingDecision decision, List<ChosenExpert> chosen) {
    String[] experts = new String[chosen.size()];
    double[] propensities = new double[chosen.size()];
    for (int i = 0; i < experts.length; i++) {
      experts[i] = chosen.get(i).getExpert();
      propensities[i] = chosen.get(i).getPropensity();
    }
    List<Float> features = decision.getFeatures();
    float[] x = new float[features == null ? 0 : features.size()];
    for (int j = 0; j < x.length; j++) {
      x[j] = features.get(j);
    }
    return new DecisionEvent(
        decision.getRequestId(),
        decision.getPolicy(),
        decision.getPolicyVersion(),
        experts,
        propensities,
        x,
        decision.getDeadlineMs(),
        decision.getDecidedAtMs());
  }

  public static ResultEvent result(ExpertResult result) {
    boolean ok = result.getStatus() == ResultStatus.OK;
    Object output = result.getOutput();
    AnswerKind kind = AnswerKind.NONE;
    String answer = null;
    double score = Double.NaN;
    if (output instanceof TextAnswer text) {
      kind = AnswerKind.TEXT;
      answer = text.getText();
    } else if (output instanceof ClassProbabilities classes && !classes.getLabels().isEmpty()) {
      kind = AnswerKind.CLASS;
      answer = classes.getLabels().get(argmax(classes.getProbabilities()));
    } else if (output instanceof Score value) {
      kind = AnswerKind.SCORE;
      score = value.getValue();
    }
    return new ResultEvent(
        result.getRequestId(),
        result.getExpert(),
        ok,
        kind,
        answer,
        score,
        result.getCost(),
        result.getCompletedAtMs());
  }

  private static int argmax(List<Double> values) {
    int best = 0;
    for (int i = 1; i < values.size(); i++) {
      if (values.get(i) > values.get(best)) {
        best = i;
      }
    }
    return best;
  }

  public static FeedbackEvent feedback(Feedback feedback) {
    Map<String, Double> rewards = feedback.getExpertRewards();
    String[] experts = rewards.keySet().toArray(new String[0]);
    double[] values = new double[experts.length];
    for (int i = 0; i < experts.length; i++) {
      values[i] = rewards.get(experts[i]);
    }
    Double reward = feedback.getReward();
    return new FeedbackEvent(
        feedback.getRequestId(),
        reward == null ? Double.NaN : reward,
        feedback.getLabel(),
        experts,
        values,
        feedback.getObservedAtMs());
  }

  /** What a published RoutingWeights record says, as the policy classes read it. */
  static WeightsSnapshot snapshot(RoutingWeights weights) {
    Map<String, double[]> parameters = new LinkedHashMap<>();
    weights
        .getParameters()
        .forEach(
            (name, values) ->
                parameters.put(name, values.stream().mapToDouble(Double::doubleValue).toArray()));
    return new WeightsSnapshot(
        weights.getPolicy(),
        weights.getVersion(),
        List.copyOf(weights.getExperts()),
        weights.getFeatureDimension(),
        parameters);
  }

  static RoutingWeights weights(PublishedWeights weights) {
    Map<String, List<Double>> parameters = new LinkedHashMap<>();
    Lineage lineage = weights.lineage();
    for (int i = 0; i < weights.blockNames().length; i++) {
      List<Double> block = new ArrayList<>(weights.blocks()[i].length);
      for (double value : weights.blocks()[i]) {
        block.add(value);
      }
      parameters.put(weights.blockNames()[i], block);
    }
    return RoutingWeights.newBuilder()
        .setPolicy(weights.policy())
        .setVersion(weights.version())
        .setExperts(List.of(weights.experts()))
        .setFeatureDimension(weights.featureDimension())
        .setParameters(parameters)
        .setExamples(weights.examples())
        .setPublishedAtMs(weights.publishedAtMs())
        .setGate(lineage == null ? null : lineage.gate())
        .setPromotedFrom(lineage == null ? null : lineage.promotedFrom())
        .setPreviousVersion(lineage == null ? null : lineage.previousVersion())
        .setCanaryShare(lineage == null ? null : lineage.canaryShare())
        .build();
  }

  /** The lineage a published version carries; null when it has none. */
  static Lineage lineage(RoutingWeights weights) {
    if (weights.getGate() == null
        && weights.getPromotedFrom() == null
        && weights.getPreviousVersion() == null
        && weights.getCanaryShare() == null) {
      return null;
    }
    return new Lineage(
        weights.getGate(),
        weights.getPromotedFrom(),
        weights.getPreviousVersion(),
        weights.getCanaryShare());
  }

  /**
   * A version the lifecycle published (the only ones with evidence), as the learner adopts it; null
   * for the job's own snapshots. The lifecycle's archive copies (keyed {@code POLICY@vN}) come
   * through too; the learner passes them over as not newer than what it runs.
   *
   * @param weight what the version's weights count as, in examples, when the learner resumes from
   *     them (as for a warm start)
   */
  static Adopted adopted(RoutingWeights weights, AdaptationSettings settings, double weight) {
    if (weights.getEvidence() == null) {
      return null;
    }
    byte[] learner =
        PolicyLearner.fromSnapshot(
                settings.learner(),
                settings.experts(),
                snapshot(weights),
                weights.getExamples(),
                weight)
            .map(PolicyLearner::toBytes)
            .orElse(null);
    return new Adopted(
        weights.getPolicy(),
        weights.getVersion(),
        weights.getExamples(),
        learner,
        lineage(weights),
        weights.getPublishedAtMs());
  }
}
