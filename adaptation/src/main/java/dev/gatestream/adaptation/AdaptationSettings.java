package dev.gatestream.adaptation;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.features.FeatureSpec;
import dev.gatestream.policy.learning.LearnerKind;
import dev.gatestream.policy.learning.LearnerSettings;
import java.io.Serializable;
import java.util.List;

/**
 * What the adaptation job needs of the configuration, in a serializable form its functions carry.
 *
 * @param experts the configured experts, the order snapshots list them in
 * @param lambda price of cost in reward units (router.gate.lambda)
 * @param publishEveryUpdates publish after this many examples of a policy
 * @param publishEveryMs publish pending examples at the latest this long after the first
 *     (wall-clock)
 * @param joinTtlMs how long (event time) a decision or feedback waits for its counterpart
 * @param outOfOrdernessMs bounded out-of-orderness of the watermarks
 */
public record AdaptationSettings(
    List<String> experts,
    LearnerSettings learner,
    double lambda,
    int publishEveryUpdates,
    long publishEveryMs,
    long joinTtlMs,
    long outOfOrdernessMs)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  public AdaptationSettings {
    experts = List.copyOf(experts);
    if (publishEveryUpdates < 1 || publishEveryMs < 1 || joinTtlMs < 1 || outOfOrdernessMs < 0) {
      throw new IllegalArgumentException(
          "publish cadence and TTL must be positive, out-of-orderness >= 0");
    }
  }

  public static AdaptationSettings from(GatestreamConfig config) {
    LearnerKind kind =
        LearnerKind.resolve(
            config.getString(GatestreamConfig.ADAPTATION_LEARNER),
            config.getString(GatestreamConfig.ROUTER_GATE));
    LearnerSettings learner =
        new LearnerSettings(
                kind,
                featureDimension(config),
                config.getDouble(GatestreamConfig.ADAPTATION_LEARNING_RATE),
                config.getDouble(GatestreamConfig.ADAPTATION_L2),
                config.getDouble(GatestreamConfig.ADAPTATION_RIDGE_LAMBDA),
                config.getDouble(GatestreamConfig.ADAPTATION_UCB_ALPHA),
                config.getDouble(GatestreamConfig.ADAPTATION_THOMPSON_SCALE),
                config.getDouble(GatestreamConfig.ADAPTATION_INVERSE_TEMPERATURE),
                // The ridge and knn learners' prior is a neutral quality beside their gate's
                // optimism; the others'
                // is an optimistic reward.
                config.getDouble(
                    kind == LearnerKind.RIDGE || kind == LearnerKind.KNN
                        ? GatestreamConfig.ADAPTATION_PRIOR_QUALITY
                        : GatestreamConfig.ADAPTATION_PRIOR_REWARD),
                config.getDouble(GatestreamConfig.ADAPTATION_PRIOR_COUNT),
                config.getDouble(GatestreamConfig.ADAPTATION_FORGETTING),
                config.getDouble(GatestreamConfig.ADAPTATION_MAX_IMPORTANCE_WEIGHT),
                config.getInt(GatestreamConfig.ADAPTATION_PROJECTION_DIMENSION),
                FeatureSpec.DEFAULT_PROJECTION_SEED)
            .withKnn(
                config.getInt(GatestreamConfig.ADAPTATION_KNN_CAPACITY),
                config.getInt(GatestreamConfig.ADAPTATION_KNN_CENTROIDS));
    return new AdaptationSettings(
        config.getList(GatestreamConfig.EXPERTS),
        learner,
        config.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA),
        config.getInt(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_UPDATES),
        config.getLong(GatestreamConfig.ADAPTATION_PUBLISH_EVERY_MS),
        config.getLong(GatestreamConfig.ADAPTATION_JOIN_TTL_MS),
        config.getLong(GatestreamConfig.ADAPTATION_OUT_OF_ORDERNESS_MS));
  }

  /** What the router's featurizer gives, and so the dimension the published weights must have. */
  static int featureDimension(GatestreamConfig config) {
    return FeatureSpec.of(
            config.getList(GatestreamConfig.ROUTER_FEATURES),
            config.getInt(GatestreamConfig.ROUTER_FEATURES_TASK_DIMENSION),
            config.getInt(GatestreamConfig.ROUTER_FEATURE_DIMENSION),
            config.getInt(GatestreamConfig.ROUTER_PROJECTION_DIMENSION))
        .dimension();
  }
}
