package dev.gatestream.policy.learning;

import dev.gatestream.policy.WeightsSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Everything one policy has learned: a score model and a running reliability per expert. Bandit
 * feedback: an example updates only the experts that ran on it.
 *
 * <p>Published blocks, as the router's gates and fusion read them: {@code "w:<expert>"} (length
 * featureDimension) and {@code "b"} (one per expert, in {@code experts} order) with score
 * s = w·x + b — for the logistic learner σ(s) is P(good answer), for the others s is β × predicted
 * reward; {@code "reliability"}, one per expert: the exponentially weighted mean quality,
 * self-normalized with clipped importance weights so that it estimates the expert's quality over all
 * traffic rather than over the requests the router happened to send it. The ridge learner also
 * publishes {@code "v:<expert>"}, {@code "n"} and {@code "cost"} (see {@link WeightsSnapshot}) and its
 * scores are the predicted quality itself, which the bandit gate adds optimism to and prices. The knn
 * learner publishes no w/b blocks but the centroid blocks (see {@link KnnModel}), {@code "n"} and
 * {@code "cost"}.
 */
public final class PolicyLearner {

  /** Most parameters a snapshot may carry (~800 KB of Avro doubles, under Kafka's default 1 MB). */
  public static final int MAX_PARAMETERS = 100_000;

  private static final int FORMAT = 2;
  // Reliability of an expert with no evidence, weighing one example: neutral for fusion's weighting.
  private static final double RELIABILITY_PRIOR = 0.5;

  private final LearnerSettings settings;
  private final int modelDimension;
  private final RandomProjection projection;
  private final ContextMoments contexts; // null unless LinUCB
  private final KnnModel knn; // null unless knn, which keeps examples rather than a model per expert
  private final List<String> experts = new ArrayList<>();
  private final List<ExpertModel> models = new ArrayList<>();
  private final List<double[]> reliabilities = new ArrayList<>();
  // Per expert: discounted cost sum, its discounted weight, and the outcomes learned (undiscounted).
  private final List<double[]> spend = new ArrayList<>();
  private long examples;
  // The last state's size: the next one is as large, so its buffer is allocated once.
  private int stateSize = 1024;

  /** @param experts the configured experts, in the order snapshots list them; others join as they appear */
  public PolicyLearner(LearnerSettings settings, List<String> experts) {
    this.settings = settings;
    int d = settings.featureDimension();
    this.modelDimension = settings.projects() ? settings.projectionDimension() : d;
    this.projection = settings.projects()
        ? new RandomProjection(modelDimension, d, settings.projectionSeed()) : null;
    // Only LinUCB's optimism reads the context moments; (d+1)² values are too many to keep otherwise.
    this.contexts = settings.kind() == LearnerKind.LINUCB
        ? new ContextMoments(modelDimension + 1, settings.forgetting()) : null;
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
    int perExpert = settings.kind() == LearnerKind.RIDGE ? 2 * settings.featureDimension() + 5
        : settings.featureDimension() + 2;
    return Math.max(1, MAX_PARAMETERS / perExpert);
  }

  /**
   * Learns from one request.
   *
   * @param features the features the router scored (empty: bias-only learning)
   * @return false when the example did not fit: features of another dimension, or only experts beyond
   *     {@link #maxExperts()}
   */
  public boolean update(float[] features, List<ExpertFeedback> feedback) {
    double[] x = new double[settings.featureDimension()];
    if (features.length != 0 && features.length != x.length) {
      return false;
    }
    for (int j = 0; j < features.length; j++) {
      x[j] = features[j];
    }
    double[] z = projection == null ? x : projection.project(x);
    boolean learned = false;
    for (ExpertFeedback one : feedback) {
      int index = indexOf(one.expert());
      if (index < 0 || !Double.isFinite(one.quality()) || !Double.isFinite(one.reward())
          || !Double.isFinite(one.cost())) {
        continue; // a non-finite outcome would poison every later snapshot
      }
      double importance = settings.importanceWeight(one.propensity());
      double target = settings.kind() == LearnerKind.LOGISTIC || settings.kind() == LearnerKind.RIDGE
          ? one.quality() : one.reward();
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
      return false;
    }
    if (contexts != null) {
      contexts.add(RidgeModel.withBias(z));
    }
    examples++;
    return true;
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
    return usesSgd(settings.kind()) ? new SgdModel(settings, modelDimension) : new RidgeModel(settings, modelDimension);
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
   * @param seed Thompson's sampling seed; derive it from the version so that replays publish the same
   */
  public Map<String, double[]> parameters(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    boolean ridge = settings.kind() == LearnerKind.RIDGE;
    double scale = settings.kind() == LearnerKind.LOGISTIC || ridge ? 1 : settings.inverseTemperature();
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
        blocks.put(WeightsSnapshot.WEIGHTS + experts.get(i),
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
  public static Optional<PolicyLearner> fromBytes(LearnerSettings settings, List<String> experts, byte[] state) {
    PolicyLearner learner = new PolicyLearner(settings, List.of());
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      if (in.readInt() != FORMAT || !in.readUTF().equals(settings.kind().id())
          || in.readInt() != settings.featureDimension() || in.readInt() != learner.modelDimension) {
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
          learner.models.add(usesSgd(settings.kind()) ? SgdModel.read(settings, learner.modelDimension, in)
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
}
