package dev.gatestream.policy.learning;

/** Which model learns each expert's score, and so what the published w/b blocks mean. */
public enum LearnerKind {
  /**
   * Ridge regression of the quality per expert: w·x + b = predicted quality, published with the
   * uncertainty and the mean cost the bandit gate prices each expert by.
   */
  RIDGE("ridge"),
  /** σ(w·x + b) = P(good answer): the success-predictor gate's reading. */
  LOGISTIC("logistic"),
  /** w·x + b = β × expected reward: the ranking gates' (softmax-top-k, top-p, sigmoid) reading. */
  LINEAR("linear"),
  /** Ridge regression of the reward plus an optimism bias, times β. */
  LINUCB("linucb"),
  /** Ridge regression of the reward, one posterior sample per snapshot, times β. */
  THOMPSON("thompson"),
  /**
   * The most recent examples, published as centroids of their features with each expert's outcome
   * count and mean quality per centroid, and mean cost: the knn gate's nearest-neighbour reading.
   */
  KNN("knn");

  private final String id;

  LearnerKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /**
   * @param id a learner id, or {@code auto} for the one that fits the gate
   * @param gate the router's gate kind id
   */
  public static LearnerKind resolve(String id, String gate) {
    if ("auto".equals(id)) {
      return switch (gate) {
        case "bandit" -> RIDGE;
        case "success-predictor" -> LOGISTIC;
        case "knn" -> KNN;
        default -> LINEAR;
      };
    }
    for (LearnerKind kind : values()) {
      if (kind.id.equals(id)) {
        if (kind != LOGISTIC && "success-predictor".equals(gate)) {
          // That gate reads σ(score) as a probability and trades it against price: reward-scale
          // scores break it.
          throw new IllegalArgumentException(
              "the success-predictor gate needs the logistic learner, not " + id);
        }
        if ((kind == RIDGE) != "bandit".equals(gate)) {
          // The bandit gate reads quality, uncertainty and cost blocks that only the ridge learner
          // publishes.
          throw new IllegalArgumentException(
              "the bandit gate and the ridge learner go together, not gate "
                  + gate
                  + " with learner "
                  + id);
        }
        if ((kind == KNN) != "knn".equals(gate)) {
          // Likewise the knn gate reads only the centroid blocks of the knn learner.
          throw new IllegalArgumentException(
              "the knn gate and the knn learner go together, not gate "
                  + gate
                  + " with learner "
                  + id);
        }
        return kind;
      }
    }
    throw new IllegalArgumentException(
        "unknown learner '"
            + id
            + "', expected auto, ridge, logistic, linear, linucb, thompson or knn");
  }
}
