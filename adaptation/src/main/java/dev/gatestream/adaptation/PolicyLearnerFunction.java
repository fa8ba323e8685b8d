package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.LearnerInput;
import dev.gatestream.adaptation.events.Lineage;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.adaptation.events.WarmStart;
import dev.gatestream.policy.learning.PolicyLearner;
import dev.gatestream.policy.learning.PolicyLearner.Update;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * One learner per policy (the key): learns from each training example and publishes a weights
 * snapshot after {@code publishEveryUpdates} examples, or {@code publishEveryMs} (processing time)
 * after the first unpublished one. The learner and the publication state — version included — are
 * keyed state, so a restore from a checkpoint continues learning and versioning where the
 * checkpoint left off. A policy without state starts from its warm start, the learner resumed from
 * its newest published snapshot (see {@link WarmStarts}), when there is one, and from the prior
 * otherwise.
 *
 * <p>Versions are max(previous + 1, publication wall-clock ms × {@value #VERSIONS_PER_MS}): a
 * counter over a clock epoch. They increase strictly within a run; and since snapshots go out at
 * least once, as soon as they are published, a job restored from a checkpoint may already have
 * published versions past the checkpointed counter: the restored job's clock floor lies above them
 * (unless a policy published more than {@value #VERSIONS_PER_MS} snapshots per millisecond, which
 * the publication cadence rules out), so routers, which ignore versions that are not newer, take up
 * the restored learner's snapshots and never go back. The same floor keeps a job started without
 * its state above what routers already run, including versions of the earlier ms-only scheme.
 *
 * <p>Nothing non-finite is published: the learner rejects examples with a non-finite number, and a
 * snapshot whose state or blocks are not finite anyway (finite inputs that overflowed) is withheld
 * — the routers keep the last good one — and the learner goes back to its state at the last
 * publication, so learning goes on rather than staying poisoned; the examples learned since are
 * lost, and counted.
 *
 * <p>A promotion, a rollback or a canary stop is a version the lifecycle publishes on the same
 * topic, with its evidence ({@link Adopted}). The learner adopts it when it is newer than what the
 * learner last published: it resumes from the version's weights when they fit (else keeps what it
 * learned: a promoted gate without weights, such as task rules), numbers on from its version, and
 * its later snapshots carry the version's lineage (gate, {@code promotedFrom}, {@code
 * previousVersion}, canary share). So learning goes on for the policy in force, and the next
 * snapshot continues the promotion instead of undoing it.
 *
 * <p>Metrics, per policy under {@code gatestream.policy.<policy>}: counters {@code examples}
 * (learned), {@code examplesUnfit}, {@code examplesRejected} by {@code reason} ({@code
 * nonFiniteFeatures}, {@code nonFiniteOutcome}), {@code weightsPublished}, {@code versionsAdopted},
 * {@code snapshotsWithheld} and {@code examplesRolledBack}; gauges {@code weightsVersion}, {@code
 * lastPublishEpochMs} (0 = none since the job started), {@code feedbackToPublicationMs}; and per
 * expert, under {@code expert.<expert>}, the gauge {@code reward} (its running reliability).
 */
public final class PolicyLearnerFunction
    extends KeyedProcessFunction<String, LearnerInput, PublishedWeights> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PolicyLearnerFunction.class);

  /**
   * Versions one millisecond of the clock floor leaves room for; the lifecycle numbers its versions
   * on the same floor, so that a promotion outranks every snapshot published before it.
   */
  public static final long VERSIONS_PER_MS = 1_024;

  /**
   * What has been published, and what waits to be.
   *
   * @param pending examples learned since the last publication
   * @param oldestPendingFeedbackAtMs event time of the oldest of them
   * @param timerAtMs the pending processing-time timer, 0 = none
   */
  public record Publication(
      long version, int pending, long oldestPendingFeedbackAtMs, long timerAtMs) {}

  private final AdaptationSettings settings;
  private final Map<String, WarmStart> warmStarts;

  // The learner's state is a byte[] written on each update; the live object is kept here so that it
  // is
  // decoded once per policy and task, not once per example.
  private transient Map<String, PolicyLearner> live;
  private transient ValueState<byte[]> model;
  // The learner as it was when it last published: what a withheld snapshot rolls back to.
  private transient ValueState<byte[]> published;
  private transient ValueState<Publication> publication;
  private transient ValueState<Lineage> lineage;
  private transient Map<String, PolicyMetrics> metrics;

  /**
   * @param warmStarts per policy, where its learner starts when it has no state
   */
  public PolicyLearnerFunction(AdaptationSettings settings, Map<String, WarmStart> warmStarts) {
    this.settings = settings;
    this.warmStarts = new HashMap<>(warmStarts);
  }

  @Override
  public void open(OpenContext openContext) {
    live = new HashMap<>();
    metrics = new HashMap<>();
    model =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "learner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    published =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>(
                    "publishedLearner", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    publication =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("publication", TypeInformation.of(Publication.class)));
    lineage =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("lineage", TypeInformation.of(Lineage.class)));
  }

  @Override
  public void processElement(LearnerInput input, Context ctx, Collector<PublishedWeights> out)
      throws Exception {
    if (input.example() != null) {
      learn(input.example(), ctx, out);
    } else {
      adopt(input.adopted(), ctx);
    }
  }

  private void learn(TrainingExample example, Context ctx, Collector<PublishedWeights> out)
      throws Exception {
    String policy = ctx.getCurrentKey();
    PolicyLearner learner = learner(policy);
    PolicyMetrics meters = metrics(policy, learner);
    Update update = learner.update(example.features(), List.of(example.experts()));
    if (update != Update.LEARNED) {
      reject(policy, example, update, meters);
      return;
    }
    meters.examples.inc();
    model.update(learner.toBytes());
    Publication current = publication.value();
    if (current == null) {
      current = new Publication(0, 0, Long.MAX_VALUE, 0);
    }
    current =
        new Publication(
            current.version(),
            current.pending() + 1,
            Math.min(current.oldestPendingFeedbackAtMs(), example.feedbackAtMs()),
            current.timerAtMs());
    long now = ctx.timerService().currentProcessingTime();
    if (current.pending() >= settings.publishEveryUpdates()) {
      current = publish(policy, learner, current, now, ctx, out);
    } else if (current.timerAtMs() == 0) {
      long at = now + settings.publishEveryMs();
      ctx.timerService().registerProcessingTimeTimer(at);
      current =
          new Publication(
              current.version(), current.pending(), current.oldestPendingFeedbackAtMs(), at);
    }
    publication.update(current);
  }

  private void adopt(Adopted adopted, Context ctx) throws Exception {
    String policy = ctx.getCurrentKey();
    PolicyLearner current = learner(policy);
    Publication running = publication.value();
    if (running == null) {
      running = new Publication(0, 0, Long.MAX_VALUE, 0);
    }
    if (adopted.version() <= running.version()) {
      return; // an archived version, or one this learner has published past
    }
    PolicyLearner resumed =
        adopted.learner() == null
            ? null
            : PolicyLearner.fromBytes(settings.learner(), settings.experts(), adopted.learner())
                .orElse(null);
    Publication next =
        new Publication(
            adopted.version(),
            running.pending(),
            running.oldestPendingFeedbackAtMs(),
            running.timerAtMs());
    if (resumed != null) {
      // What was learned since the last publication belonged to the replaced version.
      if (running.timerAtMs() != 0) {
        ctx.timerService().deleteProcessingTimeTimer(running.timerAtMs());
      }
      next = new Publication(adopted.version(), 0, Long.MAX_VALUE, 0);
      live.put(policy, resumed);
      byte[] state = resumed.toBytes();
      model.update(state);
      published.update(state);
    }
    publication.update(next);
    lineage.update(adopted.lineage());
    PolicyMetrics meters = metrics(policy, resumed != null ? resumed : current);
    meters.adopted.inc();
    meters.version = adopted.version();
    LOG.info(
        "policy {}: adopted v{} ({}), {}",
        policy,
        adopted.version(),
        adopted.lineage() == null ? "no lineage" : "from " + adopted.lineage().promotedFrom(),
        resumed != null
            ? "learning on from its weights"
            : "its weights do not fit the learner, which keeps what it learned");
  }

  private void reject(String policy, TrainingExample example, Update update, PolicyMetrics meters) {
    if (update == Update.UNFIT) {
      meters.unfit.inc();
      LOG.debug(
          "policy {}: example {} does not fit the learner (features {}, expected {})",
          policy,
          example.requestId(),
          example.features().length,
          settings.learner().featureDimension());
      return;
    }
    Counter rejected = meters.rejected.get(update);
    rejected.inc();
    // The first one is logged, the rest counted: a broken featurizer would otherwise flood the log.
    if (rejected.getCount() == 1) {
      LOG.warn(
          "policy {}: example {} rejected ({}); further ones are counted in examplesRejected",
          policy,
          example.requestId(),
          update.id());
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PublishedWeights> out)
      throws Exception {
    Publication current = publication.value();
    if (current == null || current.timerAtMs() != timestamp || current.pending() == 0) {
      return;
    }
    String policy = ctx.getCurrentKey();
    // The clock now, not the timer's time: a timer restored from a checkpoint fires late, after the
    // job before the restore may have fired it and published at its time already.
    long now = ctx.timerService().currentProcessingTime();
    publication.update(publish(policy, learner(policy), current, now, ctx, out));
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
        LOG.warn(
            "policy {}: the stored learner was trained with another learner kind or feature dimension;"
                + " learning starts over",
            policy);
      }
    }
    if (learner == null) {
      learner = initial(policy);
      WarmStart warm = warmStarts.get(policy);
      if (warm != null && publication.value() == null) {
        publication.update(new Publication(warm.version(), 0, Long.MAX_VALUE, 0));
        lineage.update(warm.lineage());
        LOG.info(
            "policy {}: no state; resuming from published weights v{} ({} examples)",
            policy,
            warm.version(),
            warm.examples());
      }
    }
    live.put(policy, learner);
    return learner;
  }

  /** The warm start's learner, else one at the prior. */
  private PolicyLearner initial(String policy) {
    WarmStart warm = warmStarts.get(policy);
    Optional<PolicyLearner> resumed =
        warm == null || warm.learner() == null
            ? Optional.empty()
            : PolicyLearner.fromBytes(settings.learner(), settings.experts(), warm.learner());
    return resumed.orElseGet(() -> new PolicyLearner(settings.learner(), settings.experts()));
  }

  private Publication publish(
      String policy,
      PolicyLearner learner,
      Publication current,
      long now,
      Context ctx,
      Collector<PublishedWeights> out)
      throws Exception {
    if (current.timerAtMs() != 0) {
      ctx.timerService().deleteProcessingTimeTimer(current.timerAtMs());
    }
    long version = Math.max(current.version() + 1, now * VERSIONS_PER_MS);
    Optional<Map<String, double[]>> parameters = learner.publishable(version);
    PolicyMetrics meters = metrics(policy, learner);
    if (parameters.isEmpty()) {
      rollBack(policy, current, meters);
      return new Publication(current.version(), 0, Long.MAX_VALUE, 0);
    }
    String[] names = parameters.get().keySet().toArray(new String[0]);
    double[][] blocks = new double[names.length][];
    for (int i = 0; i < names.length; i++) {
      blocks[i] = parameters.get().get(names[i]);
    }
    out.collect(
        new PublishedWeights(
            policy,
            version,
            learner.experts().toArray(new String[0]),
            settings.learner().featureDimension(),
            names,
            blocks,
            learner.examples(),
            now,
            current.oldestPendingFeedbackAtMs(),
            lineage.value()));
    // Publishing can move the state (the knn learner's Lloyd step): store it as published.
    byte[] state = learner.toBytes();
    model.update(state);
    published.update(state);
    meters.published.inc();
    meters.version = version;
    meters.lastPublishMs = now;
    meters.feedbackToPublicationMs = Math.max(0, now - current.oldestPendingFeedbackAtMs());
    LOG.info(
        "policy {}: published weights v{} ({} examples learned)",
        policy,
        version,
        learner.examples());
    return new Publication(version, 0, Long.MAX_VALUE, 0);
  }

  /** Withholds a snapshot that is not finite and goes back to the learner that last published. */
  private void rollBack(String policy, Publication current, PolicyMetrics meters) throws Exception {
    byte[] last = published.value();
    PolicyLearner restored =
        last == null
            ? null
            : PolicyLearner.fromBytes(settings.learner(), settings.experts(), last).orElse(null);
    if (restored == null) {
      restored = initial(policy);
    }
    live.put(policy, restored);
    model.update(restored.toBytes());
    meters.withheld.inc();
    meters.rolledBack.inc(current.pending());
    LOG.error(
        "policy {}: the learner's state is no longer finite, weights not published (routers keep v{});"
            + " back to the learner of v{}, the {} examples learned since are dropped",
        policy,
        current.version(),
        current.version(),
        current.pending());
  }

  /** The policy's metrics, registered when the task first sees it. */
  private PolicyMetrics metrics(String policy, PolicyLearner learner) throws Exception {
    PolicyMetrics meters = metrics.get(policy);
    if (meters == null) {
      Publication restored = publication.value();
      meters =
          new PolicyMetrics(
              getRuntimeContext()
                  .getMetricGroup()
                  .addGroup(AdaptationJob.METRIC_GROUP)
                  .addGroup("policy", policy),
              restored == null ? 0 : restored.version());
      for (String expert : learner.experts()) {
        meters
            .group
            .addGroup("expert", expert)
            .gauge("reward", (Gauge<Double>) () -> live.get(policy).reliability(expert));
      }
      metrics.put(policy, meters);
    }
    return meters;
  }

  /**
   * One policy's counters, and the values its gauges read (set by the task thread, read by
   * reporters).
   */
  private static final class PolicyMetrics {
    private final MetricGroup group;
    private final Counter examples;
    private final Counter unfit;
    private final Map<Update, Counter> rejected = new EnumMap<>(Update.class);
    private final Counter published;
    private final Counter adopted;
    private final Counter withheld;
    private final Counter rolledBack;
    private volatile long version;
    private volatile long lastPublishMs;
    private volatile long feedbackToPublicationMs;

    PolicyMetrics(MetricGroup group, long restoredVersion) {
      this.group = group;
      this.examples = group.counter("examples");
      this.unfit = group.counter("examplesUnfit");
      for (Update reason : List.of(Update.NON_FINITE_FEATURES, Update.NON_FINITE_OUTCOME)) {
        rejected.put(reason, group.addGroup("reason", reason.id()).counter("examplesRejected"));
      }
      this.published = group.counter("weightsPublished");
      this.adopted = group.counter("versionsAdopted");
      this.withheld = group.counter("snapshotsWithheld");
      this.rolledBack = group.counter("examplesRolledBack");
      this.version = restoredVersion;
      group.gauge("weightsVersion", (Gauge<Long>) () -> version);
      group.gauge("lastPublishEpochMs", (Gauge<Long>) () -> lastPublishMs);
      group.gauge("feedbackToPublicationMs", (Gauge<Long>) () -> feedbackToPublicationMs);
    }
  }
}
