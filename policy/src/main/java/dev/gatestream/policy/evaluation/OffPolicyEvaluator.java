package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.Choice;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;

/**
 * Estimates what a candidate routing policy would have scored on logged decisions, from the logging
 * policy's marginal propensities (see {@link Estimand} for what is estimated and under which
 * assumption).
 *
 * <p>Per decision i with chosen set S_i, candidate marginals p and logging marginals p₀, the target
 * weight of expert a is q(a) = p(a) (total) or p(a)/Σ_b p(b) (mean), and its importance weight w(a)
 * = q(a)/p₀(a). Then IPS = (1/n) Σ_i Σ_{a∈S_i} w(a) r_i(a); self-normalized IPS rescales IPS by Σ_i
 * Σ_{a: p₀(a)>0} q(a) / Σ_i Σ_{a∈S_i} w(a), the weights' expectation over their realized sum;
 * doubly robust = (1/n) Σ_i [Σ_a q(a) r̂(a, x_i) + Σ_{a∈S_i} w(a) (r_i(a) − r̂(a, x_i))], with r̂
 * fitted on the other fold of a seeded 2-fold split so a decision's own reward never enters its
 * prediction.
 *
 * <p>r is the reward, quality − λ·cost ({@link EvaluationSettings#rewards()}); quality and cost are
 * estimated alike, on the same folds and resamples, and every estimator (the reward models
 * included) is linear in r, so the estimated values obey reward = quality − λ·cost too.
 *
 * <p>Confidence intervals are percentile bootstrap over decisions, the cross-fitted predictions
 * held fixed (refitting per resample would multiply the cost by the resamples for a second-order
 * effect).
 */
public final class OffPolicyEvaluator {

  // Gates' exact inclusion probabilities may overshoot 1 by rounding.
  private static final double PROBABILITY_SLACK = 1e-9;

  private final EvaluationSettings settings;

  public OffPolicyEvaluator(EvaluationSettings settings) {
    this.settings = settings;
  }

  /**
   * @throws UnsupportedCandidateException when more than the tolerated share of the candidate's
   *     selection mass falls on experts the logging policy could not choose
   * @throws IllegalArgumentException when no decision has all its chosen experts' rewards, or the
   *     candidate's propensities are not probabilities
   */
  public Evaluation evaluate(List<LoggedDecision> decisions, CandidatePolicy candidate) {
    return run(decisions, List.of(candidate)).evaluations().get(0);
  }

  /**
   * Both policies estimated on the same decisions, folds, reward models and resamples, and their
   * difference paired on each resample, so that its interval is the difference's, not two
   * intervals' overlap.
   *
   * @throws UnsupportedCandidateException when the logs cannot support either policy
   */
  public Comparison compare(
      List<LoggedDecision> decisions, CandidatePolicy candidate, CandidatePolicy production) {
    Run run = run(decisions, List.of(candidate, production));
    return new Comparison(
        run.evaluations().get(0),
        run.evaluations().get(1),
        run.differences()[0],
        run.differences()[1],
        run.differences()[2]);
  }

  /** Each policy's evaluation, and with two, candidate minus production per measure. */
  private record Run(List<Evaluation> evaluations, Estimate[] differences) {}

  private Run run(List<LoggedDecision> decisions, List<CandidatePolicy> policies) {
    List<LoggedDecision> used = new ArrayList<>(decisions.size());
    for (LoggedDecision decision : decisions) {
      if (hasAllRewards(decision)) {
        used.add(decision);
      }
    }
    int n = used.size();
    if (n == 0) {
      throw new IllegalArgumentException(
          "none of the "
              + decisions.size()
              + " logged decisions has the reward of every chosen expert");
    }
    int k = policies.size();
    List<List<Map<String, Double>>> propensities = new ArrayList<>(k);
    double[] unsupportedShare = new double[k];
    for (int p = 0; p < k; p++) {
      List<Map<String, Double>> of = new ArrayList<>(n);
      for (LoggedDecision decision : used) {
        of.add(checkedPropensities(decision, policies.get(p).propensities(decision)));
      }
      propensities.add(of);
      unsupportedShare[p] = checkSupport(used, of);
    }

    SplittableRandom root = new SplittableRandom(settings.seed());
    int[] fold = foldOf(n, root.split());
    // The reward, then its two parts.
    List<ToDoubleBiFunction<LoggedDecision, String>> measures =
        List.of(
            (decision, expert) -> decision.rewardOf(expert, settings.rewards()),
            LoggedDecision::qualityOf,
            LoggedDecision::costOf);
    List<ToDoubleFunction<int[]>> estimators = new ArrayList<>();
    // byMeasure[p][m]: policy p's terms of measure m.
    Terms[][] byMeasure = new Terms[k][measures.size()];
    for (int m = 0; m < measures.size(); m++) {
      ToDoubleBiFunction<LoggedDecision, String> measure = measures.get(m);
      RewardModel.Fitted[] models = crossFit(used, fold, measure);
      for (int p = 0; p < k; p++) {
        byMeasure[p][m] = terms(used, propensities.get(p), models, fold, measure);
      }
    }
    for (int p = 0; p < k; p++) {
      for (int m = 0; m < measures.size(); m++) {
        Terms terms = byMeasure[p][m];
        estimators.add(indices -> mean(terms.ips, indices));
        estimators.add(indices -> selfNormalized(terms, indices));
        estimators.add(indices -> mean(terms.doublyRobust, indices));
        estimators.add(indices -> mean(terms.logged, indices));
      }
    }
    if (k == 2) {
      for (int m = 0; m < measures.size(); m++) {
        Terms candidate = byMeasure[0][m];
        Terms production = byMeasure[1][m];
        estimators.add(
            indices ->
                mean(candidate.doublyRobust, indices) - mean(production.doublyRobust, indices));
      }
    }
    Estimate[] estimates = bootstrap(n, root.split(), estimators);
    List<Evaluation> evaluations = new ArrayList<>(k);
    for (int p = 0; p < k; p++) {
      int at = p * 12;
      Terms reward = byMeasure[p][0];
      double effectiveSampleSize = reward.effectiveSampleSize();
      List<String> warnings =
          warnings(
              decisions.size(),
              n,
              unsupportedShare[p],
              reward.maxWeight,
              effectiveSampleSize,
              estimates[at + 1]);
      evaluations.add(
          new Evaluation(
              settings.estimand(),
              settings.rewards().lambda(),
              decisions.size(),
              n,
              estimates[at],
              estimates[at + 1],
              estimates[at + 2],
              estimates[at + 3],
              new Evaluation.Estimates(
                  estimates[at + 4], estimates[at + 5], estimates[at + 6], estimates[at + 7]),
              new Evaluation.Estimates(
                  estimates[at + 8], estimates[at + 9], estimates[at + 10], estimates[at + 11]),
              effectiveSampleSize,
              reward.maxWeight,
              unsupportedShare[p],
              warnings));
    }
    Estimate[] differences =
        k == 2 ? java.util.Arrays.copyOfRange(estimates, 24, 27) : new Estimate[0];
    return new Run(evaluations, differences);
  }

  /**
   * Each used decision's contribution to every estimator, and a summary of the importance ratios.
   */
  private static final class Terms {
    final double[] ips;
    final double[] weightSum;

    /** What weightSum averages to given the request: the candidate's supported selection mass. */
    final double[] weightExpectation;

    final double[] doublyRobust;
    final double[] logged;
    double ratioSum;
    double ratioSquares;
    double maxWeight;

    Terms(int n) {
      ips = new double[n];
      weightSum = new double[n];
      weightExpectation = new double[n];
      doublyRobust = new double[n];
      logged = new double[n];
    }

    double effectiveSampleSize() {
      return ratioSquares == 0 ? 0 : ratioSum * ratioSum / ratioSquares;
    }
  }

  private Terms terms(
      List<LoggedDecision> used,
      List<Map<String, Double>> propensities,
      RewardModel.Fitted[] models,
      int[] fold,
      ToDoubleBiFunction<LoggedDecision, String> measure) {
    boolean total = settings.estimand() == Estimand.TOTAL_REWARD;
    Terms terms = new Terms(used.size());
    for (int i = 0; i < used.size(); i++) {
      LoggedDecision decision = used.get(i);
      Map<String, Double> p = propensities.get(i);
      double scale = total ? 1 : 1 / selectionMass(p, decision);
      double loggedScale = total ? 1 : 1 / sum(decision.loggingPropensities());
      // The model predicting decision i was fitted on the other fold.
      RewardModel.Fitted model = models[1 - fold[i]];
      double direct = 0;
      for (Map.Entry<String, Double> entry : p.entrySet()) {
        double q = entry.getValue() * scale;
        if (q > 0 && decision.loggingPropensity(entry.getKey()) > 0) {
          terms.weightExpectation[i] += q;
          direct += q * model.predict(decision, entry.getKey());
        }
      }
      double correction = 0;
      double ratios = 0;
      for (Choice choice : decision.chosen()) {
        double value = measure.applyAsDouble(decision, choice.expert());
        double ratio = p.getOrDefault(choice.expert(), 0.0) / choice.propensity();
        double w = ratio * scale;
        terms.ips[i] += w * value;
        terms.weightSum[i] += w;
        if (w > 0) {
          correction += w * (value - model.predict(decision, choice.expert()));
        }
        terms.logged[i] += value * loggedScale;
        ratios += ratio;
        terms.maxWeight = Math.max(terms.maxWeight, ratio);
      }
      terms.doublyRobust[i] = direct + correction;
      double meanRatio = ratios / decision.chosen().size();
      terms.ratioSum += meanRatio;
      terms.ratioSquares += meanRatio * meanRatio;
    }
    return terms;
  }

  private static boolean hasAllRewards(LoggedDecision decision) {
    for (Choice choice : decision.chosen()) {
      if (Double.isNaN(decision.qualityOf(choice.expert()))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Double> checkedPropensities(
      LoggedDecision decision, Map<String, Double> p) {
    if (p == null) {
      throw new IllegalArgumentException(
          "the candidate gave no propensities for " + name(decision));
    }
    p.forEach(
        (expert, probability) -> {
          if (probability == null || !(probability >= 0 && probability <= 1 + PROBABILITY_SLACK)) {
            throw new IllegalArgumentException(
                "the candidate gives expert "
                    + expert
                    + " probability "
                    + probability
                    + " for "
                    + name(decision)
                    + ", expected a value in [0, 1]");
          }
        });
    return p;
  }

  private static double selectionMass(Map<String, Double> p, LoggedDecision decision) {
    double mass = sum(p);
    if (!(mass > 0)) {
      throw new IllegalArgumentException(
          "the candidate selects no expert for "
              + name(decision)
              + ", so its mean expert reward is undefined there; estimate the total reward instead");
    }
    return mass;
  }

  private static double sum(Map<String, Double> values) {
    double sum = 0;
    for (double value : values.values()) {
      sum += value;
    }
    return sum;
  }

  private static String name(LoggedDecision decision) {
    return decision.requestId() == null ? "a logged request" : "request " + decision.requestId();
  }

  /** Experts the candidate may select where the logging policy could not, and how much. */
  private static final class Unsupported {
    int requests;
    double maxProbability;
    double mass;
  }

  /**
   * @return the share of the candidate's selection mass left unsupported, within the tolerance
   */
  private double checkSupport(List<LoggedDecision> used, List<Map<String, Double>> propensities) {
    Map<String, Unsupported> byExpert = new HashMap<>();
    double total = 0;
    double unsupported = 0;
    for (int i = 0; i < used.size(); i++) {
      LoggedDecision decision = used.get(i);
      for (Map.Entry<String, Double> entry : propensities.get(i).entrySet()) {
        double probability = entry.getValue();
        total += probability;
        if (probability > 0 && decision.loggingPropensity(entry.getKey()) == 0) {
          Unsupported expert = byExpert.computeIfAbsent(entry.getKey(), e -> new Unsupported());
          expert.requests++;
          expert.maxProbability = Math.max(expert.maxProbability, probability);
          expert.mass += probability;
          unsupported += probability;
        }
      }
    }
    double share = total == 0 ? 0 : unsupported / total;
    if (share > settings.supportTolerance()) {
      Map.Entry<String, Unsupported> worst =
          byExpert.entrySet().stream()
              .max((a, b) -> Double.compare(a.getValue().mass, b.getValue().mass))
              .orElseThrow();
      throw new UnsupportedCandidateException(
          String.format(
              Locale.ROOT,
              "candidate selects expert %s with probability up to %s on %,d of %,d logged requests where the"
                  + " logging policy's propensity was 0 (%s of its selection mass, %s tolerated): the logs cannot"
                  + " support this candidate",
              worst.getKey(),
              significant(worst.getValue().maxProbability),
              worst.getValue().requests,
              used.size(),
              percent(share),
              percent(settings.supportTolerance())));
    }
    return share;
  }

  private static int[] foldOf(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    int[] fold = new int[n];
    for (int position = n / 2; position < n; position++) {
      fold[order[position]] = 1;
    }
    return fold;
  }

  /** models[f] is fitted on fold f alone. */
  private RewardModel.Fitted[] crossFit(
      List<LoggedDecision> used, int[] fold, ToDoubleBiFunction<LoggedDecision, String> measure) {
    List<List<LoggedDecision>> folds = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < used.size(); i++) {
      folds.get(fold[i]).add(used.get(i));
    }
    return new RewardModel.Fitted[] {
      settings.rewardModel().fit(folds.get(0), measure),
      settings.rewardModel().fit(folds.get(1), measure)
    };
  }

  private static double mean(double[] values, int[] indices) {
    double sum = 0;
    for (int i : indices) {
      sum += values[i];
    }
    return sum / indices.length;
  }

  private static double selfNormalized(Terms terms, int[] indices) {
    double weighted = 0;
    double realized = 0;
    double expected = 0;
    for (int i : indices) {
      weighted += terms.ips[i];
      realized += terms.weightSum[i];
      expected += terms.weightExpectation[i];
    }
    return realized == 0 ? Double.NaN : weighted / realized * expected / indices.length;
  }

  private List<String> warnings(
      int given,
      int n,
      double unsupportedShare,
      double maxWeight,
      double effectiveSampleSize,
      Estimate snips) {
    List<String> warnings = new ArrayList<>();
    if (n < given) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "skipped %,d of %,d logged decisions that lack the reward of a chosen expert",
              given - n,
              given));
    }
    if (unsupportedShare > 0) {
      warnings.add(
          "left out "
              + percent(unsupportedShare)
              + " of the candidate's selection mass, on experts"
              + " the logging policy could not choose");
    }
    if (maxWeight > settings.warnMaxWeight()) {
      warnings.add(
          "importance weights reach "
              + significant(maxWeight)
              + ": a few decisions dominate the"
              + " estimates");
    }
    if (effectiveSampleSize < settings.warnEffectiveSampleSize()) {
      warnings.add(
          String.format(
              Locale.ROOT,
              "the importance weights' effective sample size is %s of %,d"
                  + " decisions: the candidate is too far from the logging policy for these logs",
              significant(effectiveSampleSize),
              n));
    }
    if (Double.isNaN(snips.value())) {
      warnings.add(
          "the candidate never selects an expert the logging policy chose: self-normalized IPS"
              + " is undefined");
    }
    return warnings;
  }

  private static String significant(double value) {
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String percent(double share) {
    return significant(100 * share) + "%";
  }

  /**
   * Percentile bootstrap over decisions. Each resample feeds every estimator before the next is
   * drawn: storing the resamples would take samples × n indices.
   */
  private Estimate[] bootstrap(
      int n, SplittableRandom random, List<ToDoubleFunction<int[]>> estimators) {
    int samples = settings.bootstrapSamples();
    double[][] replicates = new double[estimators.size()][samples];
    int[] indices = new int[n];
    for (int b = 0; b < samples; b++) {
      for (int i = 0; i < n; i++) {
        indices[i] = random.nextInt(n);
      }
      for (int e = 0; e < estimators.size(); e++) {
        replicates[e][b] = estimators.get(e).applyAsDouble(indices);
      }
    }
    for (int i = 0; i < n; i++) {
      indices[i] = i;
    }
    Estimate[] estimates = new Estimate[estimators.size()];
    for (int e = 0; e < estimators.size(); e++) {
      estimates[e] = percentile(estimators.get(e).applyAsDouble(indices), replicates[e]);
    }
    return estimates;
  }

  private Estimate percentile(double value, double[] replicates) {
    // SNIPS is undefined on a resample without a single positive weight.
    double[] sorted = Arrays.stream(replicates).filter(r -> !Double.isNaN(r)).sorted().toArray();
    if (sorted.length < 2) {
      return new Estimate(value, Double.NaN, Double.NaN, Double.NaN);
    }
    double mean = Arrays.stream(sorted).average().orElseThrow();
    double squares = 0;
    for (double replicate : sorted) {
      squares += (replicate - mean) * (replicate - mean);
    }
    double alpha = 1 - settings.confidence();
    return new Estimate(
        value,
        quantile(sorted, alpha / 2),
        quantile(sorted, 1 - alpha / 2),
        Math.sqrt(squares / (sorted.length - 1)));
  }

  /** Linear interpolation between order statistics (type 7). */
  private static double quantile(double[] sorted, double level) {
    double position = level * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }
}
