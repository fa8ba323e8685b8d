package dev.gatestream.policy.gates;

import dev.gatestream.policy.Expert;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.WeightsSnapshot;
import java.util.List;

/** Builds the gate a {@link GateSpec} describes, for one weights version. */
public final class Gates {

  private Gates() {}

  /**
   * @param experts the configured experts; the snapshot's other experts are ignored, and configured
   *     experts it lacks get zero weights
   * @param featureDimension what the policy's featurizer gives
   * @param weightsOrNull the current weights; null scores every expert 0 (uniform softmax), version
   *     0
   * @throws IllegalArgumentException when the spec is invalid or the weights do not fit
   */
  public static Gate create(
      GateSpec spec, List<Expert> experts, int featureDimension, WeightsSnapshot weightsOrNull) {
    return create(
        spec, experts, featureDimension, weightsOrNull, SpendController.fixed(spec.lambda()));
  }

  /**
   * As {@link #create(GateSpec, List, int, WeightsSnapshot)}, the bandit and knn gates pricing cost
   * by the given controller: build one per router instance and pass it to every version's gate.
   */
  public static Gate create(
      GateSpec spec,
      List<Expert> experts,
      int featureDimension,
      WeightsSnapshot weightsOrNull,
      SpendController spend) {
    ExpertPool pool = new ExpertPool(experts);
    LinearScorer scorer = LinearScorer.from(pool, featureDimension, weightsOrNull);
    long version = weightsOrNull == null ? 0 : weightsOrNull.version();
    double margin = spec.margin();
    if (!(margin >= 0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("broadcast margin must be finite and >= 0, got " + margin);
    }
    if (margin > 0 && (spec.maxK() < 1 || spec.maxK() > pool.size())) {
      throw new IllegalArgumentException(
          "broadcast needs 1 <= maxK <= " + pool.size() + " experts, got maxK=" + spec.maxK());
    }
    DeterministicGate gate =
        switch (spec.kind()) {
          case BANDIT -> {
            if (margin > 0) {
              throw new IllegalArgumentException(
                  "the bandit gate's optimism already covers near-ties; set margin 0");
            }
            yield new BanditGate(
                pool, version, scorer, weightsOrNull, spec.k(), spec.optimism(), spend);
          }
          case KNN -> {
            if (margin > 0) {
              throw new IllegalArgumentException(
                  "the knn gate's optimism already covers near-ties; set margin 0");
            }
            yield new KnnGate(
                pool,
                version,
                weightsOrNull,
                featureDimension,
                spec.k(),
                spec.neighbours(),
                spec.optimism(),
                spend);
          }
          case TASK_RULES -> {
            if (margin > 0) {
              throw new IllegalArgumentException(
                  "the task-rules gate has no scores to broadcast on; set margin 0");
            }
            yield new TaskRulesGate(pool, version, spec.taskRules(), spec.defaultExperts());
          }
          case SOFTMAX_TOP_K ->
              new SoftmaxTopKGate(pool, version, scorer, spec.k(), margin, spec.maxK());
          case TOP_P ->
              new TopPGate(pool, version, scorer, spec.p(), spec.maxK(), margin, spec.maxK());
          case SIGMOID ->
              new SigmoidGate(
                  pool, version, scorer, spec.k(), spec.sharedExperts(), margin, spec.maxK());
          case CASCADE -> {
            if (margin > 0) {
              throw new IllegalArgumentException(
                  "the cascade gate asks its next expert on low confidence, not on near-ties; set"
                      + " margin 0");
            }
            yield new CascadeGate(pool, version, spec.cascade().inPriceOrder(experts));
          }
          case SUCCESS_PREDICTOR ->
              new SuccessPredictorGate(
                  pool,
                  version,
                  scorer,
                  spec.mode(),
                  spec.threshold(),
                  spec.lambda(),
                  margin,
                  spec.maxK());
        };
    if (spec.kind() == GateSpec.Kind.CASCADE) {
      return gate; // the cascade explores its escalations, with exact propensities, not its first
      // stage
    }
    return switch (spec.exploration()) {
      case NONE -> gate;
      case EPSILON ->
          new EpsilonGreedyGate(gate, spec.epsilon(), spec.explorationDecay(), spec.minOutcomes());
      case TEMPERATURE -> new TemperatureSamplingGate(gate, spec.temperature());
    };
  }
}
