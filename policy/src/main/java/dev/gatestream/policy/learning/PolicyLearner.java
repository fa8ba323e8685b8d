package dev.gatestream.policy.learning;

import dev.gatestream.policy.WeightsSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything one policy has learned: a score model and a running reliability per expert. Bandit
 * feedback: an example updates only the experts that ran on it.
 *
 * <p>Published blocks, as the router's gates and fusion read them: {@code "w:<expert>"} (length
 * featureDimension) and {@code "b"} (one per expert, in {@code experts} order) with score s = w·x +
 * b — for the logistic learner σ(s) is P(good answer), for the others s is β × predicted reward;
 * {@code "reliability"}, one per expert: the exponentially weighted mean quality, self-normalized
 * with clipped importance weights so that it estimates the expert's quality over all traffic rather
 * than over the requests the router happened to send it. The ridge learner also publishes {@code
 * "v:<expert>"}, {@code "n"} and {@code "cost"} (see {@link WeightsSnapshot}) and its scores are
 * the predicted quality itself, which the bandit gate adds optimism to and prices. The knn learner
 * publishes no w/b blocks but the centroid blocks (see {@link KnnModel}), {@code "n"} and {@code
 * "cost"}.
 */
public final class PolicyLearner {

  /** Most parameters a snapshot may carry (~800 KB of Avro doubles, under Kafka's default 1 MB). */
  public static final int MAX_PARAMETERS = 100_000;

  private static final int FORMAT = 2;
  // Reliability of an expert with no evidence, weighing one example: neutral for fusion's
  // weighting.
  private static final double RELIABILITY_PRIOR = 0.5;

  private final LearnerSettings settings;
  private final int modelDimension;
  private final RandomProjection projection;
  private final ContextMoments contexts; // null unless LinUCB
  private final KnnModel
      knn; // null unless knn, which keeps examples rather than a model per expert
  private final List<String> experts = new ArrayList<>();
  private final List<ExpertModel> models = new ArrayList<>();
  private final List<double[]> reliabilities = new ArrayList<>();
  // Per expert: discounted cost sum, its discounted weight, and the outcomes learned
  // (undiscounted).
  private final List<double[]> spend = new ArrayList<>();
  private long examples;
  // The last state's size: the next one is as large, so its buffer is allocated once.
  private int stateSize = 1024;

  /**
   * @param experts the configured experts, in the order snapshots list them; others join as they
   *     appear
   */
  public PolicyLearner(LearnerSettings settings, List<String> experts) {
    this.settings = settings;
    int d = settings.featureDimension();
    this.modelDimension = settings.projects() ? settings.projectionDimension() : d;
    this.projection =
        settings.projects()
            ? new RandomProjection(modelDimension, d, settings.projectionSeed())
            : null;
    // Only LinUCB's optimism reads the context moments; (d+1)² values are too many to keep
    // otherwise.
    this.contexts =
        settings.kind() == LearnerKind.LINUCB
            ? new ContextMoments(modelDimension + 1, settings.forgetting())
            : null;
    this.knn = settings.kind() == LearnerKind.KNN ? new KnnModel(settings) : null;
    experts.forEach(this::indexOf);
  }

  public List<String> experts() {
    return List.copyOf(experts);
  }

  public long examples() {
    return examples;
  }

  /** The most experts a snapshot can hold within {@link #MAX_PARAMETERS}. */
  public int maxExperts() {
    if (knn != null) {
      return KnnModel.maxExperts(settings.featureDimension());
    }
    int perExpert =
        settings.kind() == LearnerKind.RIDGE
            ? 2 * settings.featureDimension() + 5
            : settings.featureDimension() + 2;
    return Math.max(1, MAX_PARAMETERS / perExpert);
  }

  /** What became of one example given to {@link #update}. */
  public enum Update {
    LEARNED("learned"),
    /** Features of another dimension, or only experts beyond {@link #maxExperts()}. */
    UNFIT("unfit"),
    /** A feature is NaN or infinite. */
    NON_FINITE_FEATURES("nonFiniteFeatures"),
    /** An expert's quality, reward or cost is NaN or infinite. */
    NON_FINITE_OUTCOME("nonFiniteOutcome");

    private final String id;

    Update(String id) {
      this.id = id;
    }

    /** The name metrics count it by. */
    public String id() {
      return id;
    }
  }

  /**
   * Learns from one request, all of it or nothing: an example with a non-finite number anywhere is
   * rejected as a whole, before it touches the state, since one NaN would poison every later
   * snapshot.
   *
   * @param features the features the router scored (empty: bias-only learning)
   */
  public Update update(float[] features, List<ExpertFeedback> feedback) {
    double[] x = new double[settings.featureDimension()];
    if (features.length != 0 && features.length != x.length) {
      return Update.UNFIT;
    }
    for (int j = 0; j < features.length; j++) {
      if (!Float.isFinite(features[j])) {
        return Update.NON_FINITE_FEATURES;
      }
      x[j] = features[j];
    }
    for (ExpertFeedback one : feedback) {
      if (!Double.isFinite(one.quality())
          || !Double.isFinite(one.reward())
          || !Double.isFinite(one.cost())) {
        return Update.NON_FINITE_OUTCOME;
      }
    }
    double[] z = projection == null ? x : projection.project(x);
    boolean learned = false;
    for (ExpertFeedback one : feedback) {
      int index = indexOf(one.expert());
      if (index < 0) {
        continue;
      }
      double importance = settings.importanceWeight(one.propensity());
      double target =
          settings.kind() == LearnerKind.LOGISTIC || settings.kind() == LearnerKind.RIDGE
              ? one.quality()
              : one.reward();
      if (knn != null) {
        knn.add(x, index, one.quality(), one.cost());
      } else {
        models.get(index).update(z, target, importance);
      }
      double[] reliability = reliabilities.get(index);
      reliability[0] = settings.forgetting() * reliability[0] + importance * one.quality();
      reliability[1] = settings.forgetting() * reliability[1] + importance;
      double[] expertSpend = spend.get(index);
      expertSpend[0] = settings.forgetting() * expertSpend[0] + one.cost();
      expertSpend[1] = settings.forgetting() * expertSpend[1] + 1;
      expertSpend[2]++;
      learned = true;
    }
    if (!learned) {
      return Update.UNFIT;
    }
    if (contexts != null) {
      contexts.add(RidgeModel.withBias(z));
    }
    examples++;
    return Update.LEARNED;
  }

  private int indexOf(String expert) {
    int index = experts.indexOf(expert);
    if (index >= 0 || experts.size() >= maxExperts()) {
      return index;
    }
    experts.add(expert);
    if (knn == null) {
      models.add(newModel());
    }
    reliabilities.add(new double[2]);
    spend.add(new double[3]);
    return experts.size() - 1;
  }

  private ExpertModel newModel() {
    return usesSgd(settings.kind())
        ? new SgdModel(settings, modelDimension)
        : new RidgeModel(settings, modelDimension);
  }

  private static boolean usesSgd(LearnerKind kind) {
    return kind == LearnerKind.LOGISTIC || kind == LearnerKind.LINEAR;
  }

  /** The expert's running reliability, NaN for an unknown expert. */
  public double reliability(String expert) {
    int index = experts.indexOf(expert);
    if (index < 0) {
      return Double.NaN;
    }
    double[] reliability = reliabilities.get(index);
    return (reliability[0] + RELIABILITY_PRIOR) / (reliability[1] + 1);
  }

  /**
   * The blocks to publish now.
   *
   * @param seed Thompson's sampling seed; derive it from the version so that replays publish the
   *     same
   */
  public Map<String, double[]> parameters(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    boolean ridge = settings.kind() == LearnerKind.RIDGE;
    double scale =
        settings.kind() == LearnerKind.LOGISTIC || ridge ? 1 : settings.inverseTemperature();
    Map<String, double[]> blocks = new LinkedHashMap<>();
    double[] biases = new double[experts.size()];
    double[] reliability = new double[experts.size()];
    double[] outcomes = new double[experts.size()];
    double[] cost = new double[experts.size()];
    for (int i = 0; i < experts.size(); i++) {
      if (knn == null) {
        double[] score = models.get(i).publish(random, contexts);
        double[] theta = new double[modelDimension];
        for (int j = 0; j < modelDimension; j++) {
          theta[j] = scale * score[j];
        }
        blocks.put(
            WeightsSnapshot.WEIGHTS + experts.get(i),
            projection == null ? theta : projection.backProject(theta));
        if (ridge) {
          blocks.put(WeightsSnapshot.VARIANCES + experts.get(i), models.get(i).variances());
        }
        biases[i] = scale * score[modelDimension];
      }
      reliability[i] = reliability(experts.get(i));
      double[] expertSpend = spend.get(i);
      outcomes[i] = expertSpend[2];
      cost[i] = expertSpend[1] > 0 ? expertSpend[0] / expertSpend[1] : 0;
    }
    if (knn == null) {
      blocks.put(WeightsSnapshot.BIAS, biases);
    } else {
      blocks.putAll(knn.publish(experts.size(), cost));
    }
    blocks.put(WeightsSnapshot.RELIABILITY, reliability);
    if (ridge || knn != null) {
      blocks.put(WeightsSnapshot.OUTCOMES, outcomes);
      blocks.put(WeightsSnapshot.COST, cost);
    }
    return blocks;
  }

  /**
   * The blocks to publish now, or empty when any number of the state or of the blocks is not finite
   * or a model cannot be solved: finite inputs can still overflow (a reward near Double.MAX_VALUE,
   * say), and a router ignores such a snapshot and routes on stale weights. A non-finite state that
   * still publishes finite blocks has stopped learning (an infinite AdaGrad accumulator takes no
   * more steps), so it is not publishable either.
   */
  public Optional<Map<String, double[]>> publishable(long seed) {
    if (!finiteState()) {
      return Optional.empty();
    }
    Map<String, double[]> blocks;
    try {
      blocks = parameters(seed);
    } catch (IllegalStateException e) {
      return Optional.empty(); // a Gram matrix that overflowed is no longer positive definite
    }
    return nonFinite(blocks) == null ? Optional.of(blocks) : Optional.empty();
  }

  private boolean finiteState() {
    for (int i = 0; i < experts.size(); i++) {
      if (!Finite.all(reliabilities.get(i))
          || !Finite.all(spend.get(i))
          || knn == null && !models.get(i).finite()) {
        return false;
      }
    }
    return (contexts == null || contexts.finite()) && (knn == null || knn.finite());
  }

  /** The first block with a NaN or infinite value, or null when every value is finite. */
  public static String nonFinite(Map<String, double[]> blocks) {
    for (Map.Entry<String, double[]> block : blocks.entrySet()) {
      for (double value : block.getValue()) {
        if (!Double.isFinite(value)) {
          return block.getKey();
        }
      }
    }
    return null;
  }

  /** The learner's whole state, for Flink's keyed state. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(stateSize);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeUTF(settings.kind().id());
      out.writeInt(settings.featureDimension());
      out.writeInt(modelDimension);
      out.writeLong(examples);
      if (contexts != null) {
        contexts.write(out);
      }
      out.writeInt(experts.size());
      for (int i = 0; i < experts.size(); i++) {
        out.writeUTF(experts.get(i));
        out.writeDouble(reliabilities.get(i)[0]);
        out.writeDouble(reliabilities.get(i)[1]);
        Codec.writeArray(out, spend.get(i));
        if (knn == null) {
          models.get(i).write(out);
        }
      }
      if (knn != null) {
        knn.write(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stateSize = bytes.size();
    return bytes.toByteArray();
  }

  /**
   * A learner from {@link #toBytes()}, or empty when the state was learned with another kind or
   * dimension (then it cannot be reused and learning starts over).
   */
  public static Optional<PolicyLearner> fromBytes(
      LearnerSettings settings, List<String> experts, byte[] state) {
    PolicyLearner learner = new PolicyLearner(settings, List.of());
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      if (in.readInt() != FORMAT
          || !in.readUTF().equals(settings.kind().id())
          || in.readInt() != settings.featureDimension()
          || in.readInt() != learner.modelDimension) {
        return Optional.empty();
      }
      learner.examples = in.readLong();
      if (learner.contexts != null) {
        learner.contexts.read(in);
      }
      int count = in.readInt();
      for (int i = 0; i < count; i++) {
        learner.experts.add(in.readUTF());
        learner.reliabilities.add(new double[] {in.readDouble(), in.readDouble()});
        double[] expertSpend = new double[3];
        Codec.readArray(in, expertSpend);
        learner.spend.add(expertSpend);
        if (learner.knn == null) {
          learner.models.add(
              usesSgd(settings.kind())
                  ? SgdModel.read(settings, learner.modelDimension, in)
                  : RidgeModel.read(settings, learner.modelDimension, in));
        }
      }
      if (learner.knn != null) {
        learner.knn.read(in, count);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt learner state", e);
    }
    experts.forEach(learner::indexOf);
    return Optional.of(learner);
  }

  /**
   * A learner resumed from a snapshot that a learner of this kind and settings published: the warm
   * start when no checkpoint holds the policy's state. Empty when the snapshot does not fit:
   * another feature dimension, blocks of another kind of learner, a value that is not finite, or
   * more experts than fit.
   *
   * <p>A snapshot carries what the gates read, not the whole state. The resumed learner publishes
   * the same blocks again (up to rounding), and approximates what they leave out:
   *
   * <ul>
   *   <li>ridge: A is rebuilt as its diagonal, the published 1 / variances, and b = A θ; the
   *       correlations between features are lost until new evidence fills them in.
   *   <li>linucb and thompson: A = (λ + weight) I, as if every coordinate had seen weight outcomes,
   *       and the contexts' moments start over; linucb's published optimism is taken off the bias,
   *       thompson takes its last sample for the mean.
   *   <li>linear and logistic: the published scores are read as κ w + (1 − κ) prior with κ from
   *       weight examples; AdaGrad's accumulated gradients start over, so the first steps are as
   *       large as at a cold start.
   *   <li>knn: the memory holds, per centroid and expert, that cell's count of examples at the
   *       centroid with the quality that gives back its mean; their spread around the centroid is
   *       lost.
   *   <li>reliability and cost weigh the expert's discounted outcome count where the snapshot
   *       publishes one (ridge, knn), else weight.
   * </ul>
   *
   * A snapshot does not name its learner: the ridge and knn blocks tell those two apart, but
   * linear, logistic, linucb and thompson snapshots look alike and are read as the configured kind.
   *
   * @param experts the configured experts; the snapshot's come first, in its order
   * @param examples what the snapshot says it learned from
   * @param weight examples per expert that the snapshot's values weigh where it publishes no counts
   */
  public static Optional<PolicyLearner> fromSnapshot(
      LearnerSettings settings,
      List<String> experts,
      WeightsSnapshot snapshot,
      long examples,
      double weight) {
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("warm start weight must be finite and > 0, got " + weight);
    }
    PolicyLearner learner = new PolicyLearner(settings, List.of());
    List<String> published = snapshot.experts();
    Map<String, double[]> blocks = snapshot.parameters();
    if (snapshot.featureDimension() != settings.featureDimension()
        || published.isEmpty()
        || examples < 0
        || published.size() > learner.maxExperts()
        || Set.copyOf(published).size() != published.size()
        || !blocks.keySet().equals(learner.blockNames(published))
        || nonFinite(blocks) != null
        || !learner.fits(blocks, published)) {
      return Optional.empty();
    }
    double[] outcomes = blocks.get(WeightsSnapshot.OUTCOMES);
    double[] cost = blocks.get(WeightsSnapshot.COST);
    double[] reliability = blocks.get(WeightsSnapshot.RELIABILITY);
    for (int i = 0; i < published.size(); i++) {
      learner.indexOf(published.get(i));
      double evidence = outcomes == null ? weight : learner.discounted(outcomes[i]);
      // Published (r0 + prior) / (r1 + 1): any r1 gives it back; the evidence weighs it against new
      // outcomes.
      learner.reliabilities.set(
          i, new double[] {reliability[i] * (evidence + 1) - RELIABILITY_PRIOR, evidence});
      if (outcomes != null) {
        learner.spend.set(i, new double[] {cost[i] * evidence, evidence, outcomes[i]});
      }
      if (learner.knn == null) {
        learner.models.set(i, learner.resumedModel(blocks, published.get(i), i, weight));
      }
    }
    if (learner.knn != null) {
      learner.knn.resume(
          blocks.get(WeightsSnapshot.KNN_CENTROIDS),
          blocks.get(WeightsSnapshot.KNN_COUNTS),
          blocks.get(WeightsSnapshot.KNN_MEANS),
          cost,
          published.size());
    }
    learner.examples = examples;
    experts.forEach(learner::indexOf);
    return Optional.of(learner);
  }

  /** The names of the blocks this learner publishes for these experts. */
  private Set<String> blockNames(List<String> names) {
    Set<String> expected = new HashSet<>(List.of(WeightsSnapshot.RELIABILITY));
    if (knn != null) {
      expected.addAll(
          List.of(
              WeightsSnapshot.KNN_CENTROIDS,
              WeightsSnapshot.KNN_COUNTS,
              WeightsSnapshot.KNN_MEANS));
    } else {
      expected.add(WeightsSnapshot.BIAS);
      names.forEach(expert -> expected.add(WeightsSnapshot.WEIGHTS + expert));
    }
    if (settings.kind() == LearnerKind.RIDGE) {
      names.forEach(expert -> expected.add(WeightsSnapshot.VARIANCES + expert));
    }
    if (settings.kind() == LearnerKind.RIDGE || knn != null) {
      expected.addAll(List.of(WeightsSnapshot.OUTCOMES, WeightsSnapshot.COST));
    }
    return expected;
  }

  /** Whether every block has the length this learner publishes, and the values a resume needs. */
  private boolean fits(Map<String, double[]> blocks, List<String> names) {
    int e = names.size();
    int d = settings.featureDimension();
    for (Map.Entry<String, double[]> block : blocks.entrySet()) {
      String name = block.getKey();
      int length = block.getValue().length;
      boolean perExpert =
          name.startsWith(WeightsSnapshot.WEIGHTS) || name.startsWith(WeightsSnapshot.VARIANCES);
      if (perExpert && length != (name.startsWith(WeightsSnapshot.WEIGHTS) ? d : d + 1)
          || !perExpert && !name.startsWith("knn.") && length != e) {
        return false;
      }
      if (name.startsWith(WeightsSnapshot.VARIANCES)
          && !Arrays.stream(block.getValue()).allMatch(v -> v > 0)) {
        return false;
      }
    }
    double[] outcomes = blocks.get(WeightsSnapshot.OUTCOMES);
    if (outcomes != null && !Arrays.stream(outcomes).allMatch(PolicyLearner::isCount)) {
      return false;
    }
    if (knn == null) {
      return true;
    }
    double[] counts = blocks.get(WeightsSnapshot.KNN_COUNTS);
    int centroids = counts.length / e;
    return counts.length == centroids * e
        && blocks.get(WeightsSnapshot.KNN_MEANS).length == counts.length
        && blocks.get(WeightsSnapshot.KNN_CENTROIDS).length == centroids * d
        && centroids <= LearnerSettings.MAX_KNN_CENTROIDS
        && Arrays.stream(counts).allMatch(PolicyLearner::isCount)
        // The synthetic examples must fit the memory, or the oldest cells would be lost to the
        // newest.
        && Arrays.stream(counts).sum() <= settings.knnCapacity();
  }

  private static boolean isCount(double value) {
    return value >= 0 && value == Math.rint(value);
  }

  /** Σ forgetting^k over n updates: the weight n outcomes have after discounting. */
  private double discounted(double n) {
    double forgetting = settings.forgetting();
    return forgetting == 1 ? n : (1 - Math.pow(forgetting, n)) / (1 - forgetting);
  }

  /** The model that publishes expert i's w and b blocks again (see {@link #fromSnapshot}). */
  private ExpertModel resumedModel(
      Map<String, double[]> blocks, String expert, int i, double weight) {
    double[] w = blocks.get(WeightsSnapshot.WEIGHTS + expert);
    double bias = blocks.get(WeightsSnapshot.BIAS)[i];
    LearnerKind kind = settings.kind();
    if (kind == LearnerKind.RIDGE) {
      double[] variances = blocks.get(WeightsSnapshot.VARIANCES + expert);
      double[] theta = Arrays.copyOf(w, w.length + 1);
      theta[w.length] = bias;
      double[] precision = new double[variances.length];
      for (int j = 0; j < precision.length; j++) {
        precision[j] = 1 / variances[j];
      }
      return RidgeModel.diagonal(settings, modelDimension, theta, precision);
    }
    double scale = kind == LearnerKind.LOGISTIC ? 1 : settings.inverseTemperature();
    double[] unscaled = new double[w.length];
    for (int j = 0; j < w.length; j++) {
      unscaled[j] = w[j] / scale;
    }
    double[] score =
        Arrays.copyOf(
            projection == null ? unscaled : projection.unproject(unscaled), modelDimension + 1);
    score[modelDimension] = bias / scale;
    if (usesSgd(kind)) {
      return SgdModel.resumed(settings, modelDimension, score, weight);
    }
    double[] precision = new double[modelDimension + 1];
    Arrays.fill(precision, settings.ridgeLambda() + weight);
    if (kind == LearnerKind.LINUCB) {
      // Without contexts yet, the optimism published next is α·sqrt(A⁻¹ of the bias).
      score[modelDimension] -= settings.ucbAlpha() * Math.sqrt(1 / precision[modelDimension]);
    }
    return RidgeModel.diagonal(settings, modelDimension, score, precision);
  }
}
