package dev.gatestream.policy.gates;

import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.gates.SuccessPredictorGate.Mode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What gate to build, as configuration says it. Each kind reads only its own fields; start from a
 * factory ({@link #softmaxTopK}, {@link #topP}, ...) and add options with the {@code with...}
 * methods.
 *
 * @param k routed experts to pick (softmax-top-k, sigmoid)
 * @param p cumulative probability to reach (top-p)
 * @param maxK the most routed experts a selection may have: top-p's cap, and broadcast's
 * @param sharedExperts always-on experts (sigmoid)
 * @param mode how predicted success and price pick (success-predictor)
 * @param threshold success probability an expert must reach (success-predictor, cheapest mode)
 * @param lambda price weight in USD⁻¹ (success-predictor, net-utility mode)
 * @param taskRules task label → experts (task-rules)
 * @param defaultExperts experts for tasks without a rule (task-rules)
 * @param margin uncertainty broadcast: also pick routed experts scoring within this of the best; 0
 *     = off
 * @param exploration none, epsilon (ε-greedy) or temperature (softmax sampling)
 * @param optimism multiple of the predictive standard deviation added to the learned quality
 *     (bandit)
 * @param explorationDecay ε decays as ε·sqrt(d/(d + n)) with n the examples behind the weights; 0 =
 *     never
 * @param minOutcomes experts with fewer outcomes get the random selections of ε exploration
 * @param spendTarget mean spend per request, USD, that a controller of lambda holds; 0 = fixed
 *     lambda
 * @param spendStep the controller's step
 * @param neighbours centroids whose outcomes a decision pools (knn)
 * @param cascade the order, threshold, minimum remaining time and exploration of the cascade
 */
public record GateSpec(
    Kind kind,
    int k,
    double p,
    int maxK,
    List<String> sharedExperts,
    Mode mode,
    double threshold,
    double lambda,
    Map<String, List<String>> taskRules,
    List<String> defaultExperts,
    double margin,
    Exploration exploration,
    double epsilon,
    double temperature,
    double optimism,
    double explorationDecay,
    int minOutcomes,
    double spendTarget,
    double spendStep,
    int neighbours,
    CascadeRule cascade) {

  /** The gate kinds, with their configuration ids. */
  public enum Kind {
    BANDIT("bandit"),
    TASK_RULES("task-rules"),
    SOFTMAX_TOP_K("softmax-top-k"),
    TOP_P("top-p"),
    SIGMOID("sigmoid"),
    SUCCESS_PREDICTOR("success-predictor"),
    KNN("knn"),
    CASCADE("cascade");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public static Kind fromId(String id) {
      for (Kind kind : values()) {
        if (kind.id.equals(id)) {
          return kind;
        }
      }
      throw new IllegalArgumentException(
          "unknown gate kind '"
              + id
              + "', expected bandit, task-rules, softmax-top-k, top-p, sigmoid, success-predictor, knn or cascade");
    }
  }

  /** How a gate explores; ids none, epsilon, temperature. */
  public enum Exploration {
    NONE,
    EPSILON,
    TEMPERATURE;

    public static Exploration fromId(String id) {
      for (Exploration exploration : values()) {
        if (exploration.name().toLowerCase(Locale.ROOT).equals(id)) {
          return exploration;
        }
      }
      throw new IllegalArgumentException(
          "unknown exploration '" + id + "', expected none, epsilon or temperature");
    }
  }

  public GateSpec {
    Objects.requireNonNull(kind, "kind");
    sharedExperts = sharedExperts == null ? List.of() : List.copyOf(sharedExperts);
    defaultExperts = defaultExperts == null ? List.of() : List.copyOf(defaultExperts);
    Map<String, List<String>> rules = new LinkedHashMap<>();
    if (taskRules != null) {
      taskRules.forEach(
          (task, experts) -> rules.put(task, experts == null ? List.of() : List.copyOf(experts)));
    }
    taskRules = Collections.unmodifiableMap(rules);
    exploration = exploration == null ? Exploration.NONE : exploration;
  }

  public static GateSpec taskRules(Map<String, List<String>> rules, List<String> defaultExperts) {
    return of(
        Kind.TASK_RULES,
        b -> {
          b.taskRules = rules;
          b.defaultExperts = defaultExperts;
        });
  }

  public static GateSpec softmaxTopK(int k) {
    return of(Kind.SOFTMAX_TOP_K, b -> b.k(k));
  }

  public static GateSpec topP(double p, int maxK) {
    return of(
        Kind.TOP_P,
        b -> {
          b.p = p;
          b.maxK = maxK;
        });
  }

  public static GateSpec sigmoid(int k, List<String> sharedExperts) {
    return of(Kind.SIGMOID, b -> b.k(k).sharedExperts = sharedExperts);
  }

  public static GateSpec successPredictor(Mode mode, double threshold, double lambda) {
    return of(
        Kind.SUCCESS_PREDICTOR,
        b -> {
          b.maxK = 1;
          b.mode = mode;
          b.threshold = threshold;
          b.lambda = lambda;
        });
  }

  /**
   * The k experts of highest learned quality + optimism × uncertainty − λ × expected cost.
   *
   * @param lambda price of cost in quality units per USD (the starting value under a spend target)
   */
  public static GateSpec bandit(int k, double optimism, double lambda) {
    return of(
        Kind.BANDIT,
        b -> {
          b.k(k).optimism = optimism;
          b.lambda = lambda;
        });
  }

  /**
   * The k experts of highest pooled quality near the request + optimism / sqrt(1 + pooled outcomes)
   * − λ × expected cost, pooled over its nearest centroids.
   *
   * @param neighbours how many centroids a decision pools
   * @param lambda as for {@link #bandit}
   */
  public static GateSpec knn(int k, int neighbours, double optimism, double lambda) {
    return of(
        Kind.KNN,
        b -> {
          b.k(k).optimism = optimism;
          b.lambda = lambda;
          b.neighbours = neighbours;
        });
  }

  /**
   * The first expert of the cascade's order; fusion escalates by the rest of the rule. It explores
   * by the rule's own exploration, not by a gate's.
   */
  public static GateSpec cascade(CascadeRule rule) {
    Objects.requireNonNull(rule, "rule");
    return of(Kind.CASCADE, b -> b.k(1).cascade = rule);
  }

  /** Adds routed experts within margin of the best score, up to maxK routed experts in all. */
  public GateSpec withBroadcast(double margin, int maxK) {
    return with(
        b -> {
          b.margin = margin;
          b.maxK = maxK;
        });
  }

  public GateSpec withEpsilonGreedy(double epsilon) {
    return with(
        b -> {
          b.exploration = Exploration.EPSILON;
          b.epsilon = epsilon;
        });
  }

  /**
   * ε shrinks with the evidence behind the weights; experts with fewer outcomes than minOutcomes
   * get its draws.
   */
  public GateSpec withExplorationDecay(double decay, int minOutcomes) {
    return with(
        b -> {
          b.explorationDecay = decay;
          b.minOutcomes = minOutcomes;
        });
  }

  public GateSpec withTemperatureSampling(double temperature) {
    return with(
        b -> {
          b.exploration = Exploration.TEMPERATURE;
          b.temperature = temperature;
        });
  }

  /**
   * Lambda is controlled online so that the mean expected spend per request holds the target
   * (bandit).
   */
  public GateSpec withSpendTarget(double target, double step) {
    return with(
        b -> {
          b.spendTarget = target;
          b.spendStep = step;
        });
  }

  private static GateSpec of(Kind kind, Consumer<Builder> settings) {
    Builder builder = new Builder();
    builder.kind = kind;
    settings.accept(builder);
    return builder.build();
  }

  private GateSpec with(Consumer<Builder> change) {
    Builder builder = new Builder(this);
    change.accept(builder);
    return builder.build();
  }

  /** The components, settable one by one; a kind's factory sets only what it reads. */
  private static final class Builder {
    Kind kind;
    int k;
    double p;
    int maxK;
    List<String> sharedExperts;
    Mode mode;
    double threshold;
    double lambda;
    Map<String, List<String>> taskRules;
    List<String> defaultExperts;
    double margin;
    Exploration exploration;
    double epsilon;
    double temperature;
    double optimism;
    double explorationDecay;
    int minOutcomes;
    double spendTarget;
    double spendStep;
    int neighbours;
    CascadeRule cascade;

    Builder() {}

    Builder(GateSpec spec) {
      kind = spec.kind;
      k = spec.k;
      p = spec.p;
      maxK = spec.maxK;
      sharedExperts = spec.sharedExperts;
      mode = spec.mode;
      threshold = spec.threshold;
      lambda = spec.lambda;
      taskRules = spec.taskRules;
      defaultExperts = spec.defaultExperts;
      margin = spec.margin;
      exploration = spec.exploration;
      epsilon = spec.epsilon;
      temperature = spec.temperature;
      optimism = spec.optimism;
      explorationDecay = spec.explorationDecay;
      minOutcomes = spec.minOutcomes;
      spendTarget = spec.spendTarget;
      spendStep = spec.spendStep;
      neighbours = spec.neighbours;
      cascade = spec.cascade;
    }

    /** k experts per request, at most k routed. */
    Builder k(int experts) {
      k = experts;
      maxK = experts;
      return this;
    }

    GateSpec build() {
      return new GateSpec(
          kind,
          k,
          p,
          maxK,
          sharedExperts,
          mode,
          threshold,
          lambda,
          taskRules,
          defaultExperts,
          margin,
          exploration,
          epsilon,
          temperature,
          optimism,
          explorationDecay,
          minOutcomes,
          spendTarget,
          spendStep,
          neighbours,
          cascade);
    }
  }
}
