package dev.gatestream.adaptation;

import dev.gatestream.adaptation.events.JoinInput;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.adaptation.events.Unjoined;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.ExpertFeedback;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.FeedbackMerge;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.policy.learning.Rewards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Joins, per request id, the routing decision, the chosen experts' results and the feedback into a
 * training example, scored by {@link Rewards} on the request's feedback records merged by {@link
 * FeedbackMerge}, as {@code gatestream evaluate} scores it. It is emitted as soon as decision,
 * feedback and every chosen expert's result are there; when some results are missing, once the
 * watermark passes the request's deadline (experts drop work past it). A request not joined within
 * the TTL (event time) after its first record expires: decisions without feedback and feedback
 * without a decision (late feedback included) go to the {@link #UNJOINED} side output and are
 * counted, and so does a joined request nothing could be learned from by then.
 *
 * <p>After the join the request is kept until the TTL and later records merge in. A learner cannot
 * take an update back, and learning a request twice would count it twice, so each expert is learned
 * from once: experts that later records make judgeable for the first time (feedback for an expert
 * the first record said nothing about, a straggling result) go out in a follow-up example with only
 * them; a changed reward of an expert already learned from is counted in {@code
 * rewardsCorrectedAfterJoin}, not relearned. {@code gatestream evaluate} scores with all the
 * records, as the job would have without corrections.
 *
 * <p>An expert's outcome that {@link Rewards} rejects (a non-finite cost or judging reward) is not
 * learned and is counted once per request and expert; a later feedback record with a finite reward
 * makes it judgeable, and it is learned then.
 *
 * <p>Counters, under {@code gatestream}: {@code unjoined} (every request sent to the side output;
 * by reason {@code decisionsExpired}, {@code feedbackExpired}, {@code joinedWithoutReward}), {@code
 * examplesJoined}, {@code followUpExamples}, {@code rewardsCorrectedAfterJoin}, {@code
 * recordsAfterJoin}, and {@code outcomesRejected} by {@code reason} ({@code nonFiniteCost}, {@code
 * nonFiniteReward}).
 */
public final class RequestJoinFunction
    extends KeyedProcessFunction<String, JoinInput, TrainingExample> {

  private static final long serialVersionUID = 1L;

  /** Requests nothing was learned from. */
  public static final OutputTag<Unjoined> UNJOINED =
      new OutputTag<>("unjoined", TypeInformation.of(Unjoined.class));

  // State TTL only backs up the event-time timers, for keys whose timers never fire (a watermark
  // that
  // stops advancing); it must not cut a slow but healthy join short, hence the generous margin.
  private static final Duration TTL_MARGIN = Duration.ofHours(1);

  /** The request's timers (event time, 0 = none) and whether it has been joined. */
  public record Progress(long expiresAtMs, long resultsDueAtMs, boolean joined) {}

  private final long ttlMs;
  private final double lambda;

  private transient ValueState<DecisionEvent> decision;
  private transient MapState<String, ResultEvent> results;
  private transient ListState<FeedbackEvent> feedback;

  /** Each expert learned from, with its reward as last scored. */
  private transient MapState<String, Double> learned;

  /** Each expert whose outcome was rejected and counted. */
  private transient MapState<String, Boolean> rejected;

  private transient ValueState<Progress> progress;
  private transient Rewards rewards;
  private transient Counter joined;
  private transient Counter followUps;
  private transient Counter corrected;
  private transient Counter decisionsExpired;
  private transient Counter feedbackExpired;
  private transient Counter noReward;
  private transient Counter afterJoin;
  private transient Counter unjoined;
  private transient Map<Rewards.Rejection, Counter> outcomesRejected;

  public RequestJoinFunction(long ttlMs, double lambda) {
    this.ttlMs = ttlMs;
    this.lambda = lambda;
  }

  @Override
  public void open(OpenContext openContext) {
    StateTtlConfig ttl =
        StateTtlConfig.newBuilder(Duration.ofMillis(2 * ttlMs).plus(TTL_MARGIN))
            .updateTtlOnCreateAndWrite()
            .neverReturnExpired()
            .build();
    decision =
        getRuntimeContext()
            .getState(
                withTtl(
                    new ValueStateDescriptor<>("decision", TypeInformation.of(DecisionEvent.class)),
                    ttl));
    results =
        getRuntimeContext()
            .getMapState(
                withTtl(
                    new MapStateDescriptor<>(
                        "results", Types.STRING, TypeInformation.of(ResultEvent.class)),
                    ttl));
    feedback =
        getRuntimeContext()
            .getListState(
                withTtl(
                    new ListStateDescriptor<>(
                        "feedbackRecords", TypeInformation.of(FeedbackEvent.class)),
                    ttl));
    learned =
        getRuntimeContext()
            .getMapState(
                withTtl(new MapStateDescriptor<>("learned", Types.STRING, Types.DOUBLE), ttl));
    rejected =
        getRuntimeContext()
            .getMapState(
                withTtl(new MapStateDescriptor<>("rejected", Types.STRING, Types.BOOLEAN), ttl));
    progress =
        getRuntimeContext()
            .getState(
                withTtl(
                    new ValueStateDescriptor<>("progress", TypeInformation.of(Progress.class)),
                    ttl));
    rewards = new Rewards(lambda);
    MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(AdaptationJob.METRIC_GROUP);
    unjoined = metrics.counter("unjoined");
    joined = metrics.counter("examplesJoined");
    followUps = metrics.counter("followUpExamples");
    corrected = metrics.counter("rewardsCorrectedAfterJoin");
    decisionsExpired = metrics.counter("decisionsExpired");
    feedbackExpired = metrics.counter("feedbackExpired");
    noReward = metrics.counter("joinedWithoutReward");
    afterJoin = metrics.counter("recordsAfterJoin");
    outcomesRejected = new EnumMap<>(Rewards.Rejection.class);
    for (Rewards.Rejection reason : Rewards.Rejection.values()) {
      outcomesRejected.put(
          reason, metrics.addGroup("reason", reason.id()).counter("outcomesRejected"));
    }
  }

  private static <D extends StateDescriptor<?, ?>> D withTtl(D descriptor, StateTtlConfig ttl) {
    descriptor.enableTimeToLive(ttl);
    return descriptor;
  }

  @Override
  public void processElement(JoinInput input, Context ctx, Collector<TrainingExample> out)
      throws Exception {
    Progress current = progress.value();
    if (current == null) {
      long expiresAt = input.eventTimeMs() + ttlMs;
      ctx.timerService().registerEventTimeTimer(expiresAt);
      current = new Progress(expiresAt, 0, false);
    }
    if (input.decision() != null) {
      if (decision.value() == null) {
        decision.update(input.decision());
      }
    } else if (input.result() != null) {
      if (!results.contains(input.result().expert())) {
        results.put(input.result().expert(), input.result());
      }
    } else {
      feedback.add(input.feedback());
    }
    if (current.joined()) {
      afterJoin.inc();
      // Null when the request was joined by a version that cleared its state at the join.
      if (decision.value() != null) {
        learn(decision.value(), out);
      }
      return;
    }
    progress.update(tryJoin(current, false, ctx, out));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TrainingExample> out)
      throws Exception {
    Progress current = progress.value();
    if (current == null) {
      return;
    }
    if (!current.joined() && timestamp == current.resultsDueAtMs()) {
      current = tryJoin(current, true, ctx, out);
      progress.update(current);
    }
    if (timestamp != current.expiresAtMs()) {
      return;
    }
    if (!current.joined()) {
      current = tryJoin(current, true, ctx, out);
    }
    if (!current.joined()) {
      expire(timestamp, ctx);
    } else if (learned.isEmpty() && decision.value() != null) {
      noReward.inc();
      unjoined(ctx, Unjoined.Reason.NO_REWARD, timestamp);
    }
    if (current.resultsDueAtMs() != 0) {
      ctx.timerService().deleteEventTimeTimer(current.resultsDueAtMs());
    }
    clear();
    progress.clear();
  }

  private void expire(long timestamp, Context ctx) throws Exception {
    if (decision.value() != null) {
      decisionsExpired.inc();
      unjoined(ctx, Unjoined.Reason.DECISION_EXPIRED, timestamp);
    } else if (feedback.get().iterator().hasNext()) {
      feedbackExpired.inc();
      unjoined(ctx, Unjoined.Reason.FEEDBACK_EXPIRED, timestamp);
    }
  }

  private void unjoined(Context ctx, Unjoined.Reason reason, long timestamp) {
    unjoined.inc();
    ctx.output(UNJOINED, new Unjoined(ctx.getCurrentKey(), reason, timestamp));
  }

  /**
   * Joins when decision and feedback are there and either every chosen expert has answered or force
   * is set; otherwise waits for the results until the deadline.
   */
  private Progress tryJoin(
      Progress current, boolean force, Context ctx, Collector<TrainingExample> out)
      throws Exception {
    DecisionEvent d = decision.value();
    if (d == null || !feedback.get().iterator().hasNext()) {
      return current;
    }
    if (!force && answered(d).size() < d.chosen().length) {
      if (current.resultsDueAtMs() != 0) {
        return current;
      }
      ctx.timerService().registerEventTimeTimer(d.deadlineMs());
      return new Progress(current.expiresAtMs(), d.deadlineMs(), false);
    }
    learn(d, out);
    if (current.resultsDueAtMs() != 0) {
      ctx.timerService().deleteEventTimeTimer(current.resultsDueAtMs());
    }
    return new Progress(current.expiresAtMs(), 0, true);
  }

  /** Emits what the experts not learned from yet earned; counts changed rewards of the others. */
  private void learn(DecisionEvent d, Collector<TrainingExample> out) throws Exception {
    List<FeedbackEvent> records = new ArrayList<>();
    feedback.get().forEach(records::add);
    if (records.isEmpty()) {
      return;
    }
    FeedbackEvent f = FeedbackMerge.merge(records);
    boolean first = learned.isEmpty();
    List<ExpertFeedback> fresh = new ArrayList<>();
    Rewards.Scored scored = rewards.scoreAll(d, answered(d), f);
    for (Rewards.Rejected one : scored.rejected()) {
      if (!learned.contains(one.expert()) && !rejected.contains(one.expert())) {
        rejected.put(one.expert(), true);
        outcomesRejected.get(one.reason()).inc();
      }
    }
    for (ExpertFeedback one : scored.feedback()) {
      Double before = learned.get(one.expert());
      if (before == null) {
        fresh.add(one);
      } else if (before != one.reward()) {
        corrected.inc();
      }
      learned.put(one.expert(), one.reward());
    }
    if (fresh.isEmpty()) {
      return;
    }
    (first ? joined : followUps).inc();
    out.collect(
        new TrainingExample(
            d.requestId(),
            d.policy(),
            d.features(),
            fresh.toArray(new ExpertFeedback[0]),
            f.observedAtMs()));
  }

  private Map<String, ResultEvent> answered(DecisionEvent d) throws Exception {
    Map<String, ResultEvent> answered = new HashMap<>();
    for (String expert : d.chosen()) {
      ResultEvent result = results.get(expert);
      if (result != null) {
        answered.put(expert, result);
      }
    }
    return answered;
  }

  private void clear() {
    decision.clear();
    results.clear();
    feedback.clear();
    learned.clear();
    rejected.clear();
  }
}
