package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.policy.learning.PolicyLearner;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One learner per policy (the key): learns from each training example and publishes a weights snapshot
 * after {@code publishEveryUpdates} examples, or {@code publishEveryMs} (processing time) after the first
 * unpublished one. The learner and the publication state — version included — are keyed state, so a
 * restore from a checkpoint continues learning and versioning where the checkpoint left off.
 *
 * <p>Versions are max(previous + 1, publication wall-clock ms): strictly increasing, and a job started
 * without its state still publishes versions above what the router already runs (routers ignore
 * versions that are not newer).
 */
public final class PolicyLearnerFunction extends KeyedProcessFunction<String, TrainingExample, PublishedWeights> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PolicyLearnerFunction.class);

  /**
   * What has been published, and what waits to be.
   *
   * @param pending examples learned since the last publication
   * @param oldestPendingFeedbackAtMs event time of the oldest of them
   * @param timerAtMs the pending processing-time timer, 0 = none
   */
  public record Publication(long version, int pending, long oldestPendingFeedbackAtMs, long timerAtMs) {}

  private final AdaptationSettings settings;

  // The learner's state is a byte[] written on each update; the live object is kept here so that it is
  // decoded once per policy and task, not once per example.
  private transient Map<String, PolicyLearner> live;
  private transient ValueState<byte[]> model;
  private transient ValueState<Publication> publication;
  private transient Counter learned;
  private transient Counter unfit;
  private transient Set<String> gauges;
  private transient long lastVersion;
  private transient long lastFeedbackToPublicationMs;

  public PolicyLearnerFunction(AdaptationSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext openContext) {
    live = new HashMap<>();
    gauges = new HashSet<>();
    model = getRuntimeContext().getState(
        new ValueStateDescriptor<>("learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    publication = getRuntimeContext().getState(
        new ValueStateDescriptor<>("publication", TypeInformation.of(Publication.class)));
    MetricGroup metrics = getRuntimeContext().getMetricGroup();
    learned = metrics.counter("examplesLearned");
    unfit = metrics.counter("examplesUnfit");
    metrics.gauge("weightsVersion", (Gauge<Long>) () -> lastVersion);
    metrics.gauge("feedbackToPublicationMs", (Gauge<Long>) () -> lastFeedbackToPublicationMs);
  }

  @Override
  public void processElement(TrainingExample example, Context ctx, Collector<PublishedWeights> out)
      throws Exception {
    String policy = ctx.getCurrentKey();
    PolicyLearner learner = learner(policy);
    if (!learner.update(example.features(), List.of(example.experts()))) {
      unfit.inc();
      LOG.debug("policy {}: example {} does not fit the learner (features {}, expected {})", policy,
          example.requestId(), example.features().length, settings.learner().featureDimension());
      return;
    }
    learned.inc();
    model.update(learner.toBytes());
    registerGauges(policy, learner);
    Publication current = publication.value();
    if (current == null) {
      current = new Publication(0, 0, Long.MAX_VALUE, 0);
    }
    current = new Publication(current.version(), current.pending() + 1,
        Math.min(current.oldestPendingFeedbackAtMs(), example.feedbackAtMs()), current.timerAtMs());
    long now = ctx.timerService().currentProcessingTime();
    if (current.pending() >= settings.publishEveryUpdates()) {
      current = publish(policy, learner, current, now, ctx, out);
    } else if (current.timerAtMs() == 0) {
      long at = now + settings.publishEveryMs();
      ctx.timerService().registerProcessingTimeTimer(at);
      current = new Publication(current.version(), current.pending(), current.oldestPendingFeedbackAtMs(), at);
    }
    publication.update(current);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PublishedWeights> out) throws Exception {
    Publication current = publication.value();
    if (current == null || current.timerAtMs() != timestamp || current.pending() == 0) {
      return;
    }
    String policy = ctx.getCurrentKey();
    publication.update(publish(policy, learner(policy), current, timestamp, ctx, out));
  }

  private PolicyLearner learner(String policy) throws Exception {
    PolicyLearner learner = live.get(policy);
    if (learner != null) {
      return learner;
    }
    byte[] state = model.value();
    if (state != null) {
      learner = PolicyLearner.fromBytes(settings.learner(), settings.experts(), state).orElse(null);
      if (learner == null) {
        LOG.warn("policy {}: the stored learner was trained with another learner kind or feature dimension;"
            + " learning starts over", policy);
      }
    }
    if (learner == null) {
      learner = new PolicyLearner(settings.learner(), settings.experts());
    }
    live.put(policy, learner);
    return learner;
  }

  private Publication publish(String policy, PolicyLearner learner, Publication current, long now, Context ctx,
      Collector<PublishedWeights> out) {
    long version = Math.max(current.version() + 1, now);
    Map<String, double[]> parameters = learner.parameters(version);
    String[] names = parameters.keySet().toArray(new String[0]);
    double[][] blocks = new double[names.length][];
    for (int i = 0; i < names.length; i++) {
      blocks[i] = parameters.get(names[i]);
    }
    out.collect(new PublishedWeights(policy, version, learner.experts().toArray(new String[0]),
        settings.learner().featureDimension(), names, blocks, learner.examples(), now,
        current.oldestPendingFeedbackAtMs()));
    if (current.timerAtMs() != 0) {
      ctx.timerService().deleteProcessingTimeTimer(current.timerAtMs());
    }
    lastVersion = version;
    lastFeedbackToPublicationMs = Math.max(0, now - current.oldestPendingFeedbackAtMs());
    LOG.info("policy {}: published weights v{} ({} examples learned)", policy, version, learner.examples());
    return new Publication(version, 0, Long.MAX_VALUE, 0);
  }

  // One gauge per expert and policy: the expert's running reward (its reliability).
  private void registerGauges(String policy, PolicyLearner learner) {
    for (String expert : learner.experts()) {
      if (gauges.add(policy + '\u0000' + expert)) {
        getRuntimeContext().getMetricGroup().addGroup("policy", policy).addGroup("expert", expert)
            .gauge("reward", (Gauge<Double>) () -> live.get(policy).reliability(expert));
      }
    }
  }
}
