package dev.gatestream.streams.router;

import dev.gatestream.clients.WriteFailures;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.CascadePlan;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.cascade.CascadeRule;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.policy.gates.CascadeGate;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.DeadLetters;
import dev.gatestream.streams.common.ReplyTopics;
import dev.gatestream.streams.common.RoutingWeightsStore;
import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one request: validates it, featurizes it, lets the active gate choose experts, and emits
 * one task per chosen expert and one routing decision. What cannot be routed becomes a dead letter
 * with the reason; the stage never stops on a bad record. A request is bounded in size (so that its
 * tasks and its decision can be written) and in deadline (clamped), and may only name an allowed,
 * existing reply topic, so that nothing downstream is asked to write what it cannot.
 */
final class RouterProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(RouterProcessor.class);

  private final Deserializer<InferenceRequest> requests;
  private final Featurizer featurizer;
  private final ActivePolicy policy;
  private final RouterMetrics metrics;
  private final RouterLimits limits;
  private final ReplyTopics replyTopics;
  private final String decisionsTopic;
  private final UnaryOperator<String> taskTopicOf;
  private final RouterLifecycle lifecycle;
  private final SplittableRandom random = new SplittableRandom();

  private ProcessorContext<Object, Object> context;
  private DeadLetters deadLetters;
  private Optional<WriteFailures> writeFailures;
  private int maxRequestBytes;
  // Ids routed within the dedupe window; null when there is no dedupe.
  private RoutedIds routedIds;

  /**
   * @param taskTopicOf the task topic of an expert
   */
  RouterProcessor(
      Deserializer<InferenceRequest> requests,
      Featurizer featurizer,
      ActivePolicy policy,
      RouterMetrics metrics,
      RouterLimits limits,
      ReplyTopics replyTopics,
      String decisionsTopic,
      UnaryOperator<String> taskTopicOf,
      RouterLifecycle lifecycle) {
    this.requests = requests;
    this.featurizer = featurizer;
    this.policy = policy;
    this.metrics = metrics;
    this.limits = limits;
    this.replyTopics = replyTopics;
    this.decisionsTopic = decisionsTopic;
    this.taskTopicOf = taskTopicOf;
    this.lifecycle = lifecycle;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.deadLetters = new DeadLetters(RouterMetrics.STAGE, context);
    this.writeFailures = WriteFailures.in(context.appConfigs());
    this.maxRequestBytes = limits.requestBytesWithin(deadLetters.maxRequestSize());
    this.routedIds =
        limits.dedupeWindow().isZero()
            ? null
            : new RoutedIds(
                context.getStateStore(RouterTopology.ROUTED_IDS_STORE), limits.dedupeWindow());
    if (maxRequestBytes < limits.maxRequestBytes()) {
      LOG.warn(
          "{} {} leaves too little room under the producer's max.request.size: requests are held to {} bytes",
          GatestreamConfig.ROUTER_MAX_REQUEST_BYTES,
          limits.maxRequestBytes(),
          maxRequestBytes);
    }
    // After a restart the global store is restored before this task starts: take the latest weights
    // from the store itself.
    policy.offer(RoutingWeightsStore.latest(context, policy.policy()));
    if (lifecycle.candidate() != null) {
      lifecycle
          .candidate()
          .offer(RoutingWeightsStore.latest(context, lifecycle.candidate().name()));
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    int size = record.value() == null ? 0 : record.value().length;
    if (size > maxRequestBytes) {
      deadLetter(
          record,
          DeadLetterReason.INVALID,
          "request of "
              + size
              + " bytes exceeds "
              + GatestreamConfig.ROUTER_MAX_REQUEST_BYTES
              + " ("
              + maxRequestBytes
              + ")");
      return;
    }
    InferenceRequest request;
    try {
      request =
          requests.deserialize(
              context.recordMetadata().map(m -> m.topic()).orElse(""), record.value());
    } catch (RuntimeException e) {
      DeadLetters.throwIfTransient(e);
      deadLetter(
          record,
          DeadLetterReason.UNREADABLE,
          // Some decoding failures carry no message: their type is then the reason.
          "cannot read inference request: " + (e.getMessage() == null ? e : e.getMessage()));
      return;
    }
    if (request == null) {
      deadLetter(
          record, DeadLetterReason.UNREADABLE, "cannot read inference request: an empty record");
      return;
    }
    try {
      route(request, now);
    } catch (DuplicateException e) {
      deadLetter(record, DeadLetterReason.DUPLICATE, e.getMessage());
    } catch (Validation.ExpiredException e) {
      deadLetter(record, DeadLetterReason.EXPIRED, e.getMessage());
      expired(request, now);
    } catch (InvalidInputException e) {
      deadLetter(record, DeadLetterReason.INVALID, e.getMessage());
    } catch (UnwritableException e) {
      deadLetter(record, DeadLetterReason.UNWRITABLE, e.getMessage());
    } catch (KafkaException e) {
      throw e; // Kafka's own failures (e.g. a fenced producer) are for Kafka Streams to handle
    } catch (RuntimeException e) {
      // Whatever else a request provokes, it must not become a poison pill that stops the
      // partition; but the registry or the broker failing is no fault of the request.
      DeadLetters.throwIfTransient(e);
      deadLetter(record, DeadLetterReason.FAILED, "cannot route: " + e);
    }
  }

  private void route(InferenceRequest request, long now) {
    Validation.check(request, now, limits);
    refuseRepeated(request.getId(), now);
    if (request.getReplyTo() != null) {
      replyTopics
          .problem(request.getReplyTo())
          .ifPresent(
              problem -> {
                throw new InvalidInputException(problem);
              });
    }
    long latestDeadline = now + limits.maxDeadline().toMillis();
    if (request.getDeadlineMs() > latestDeadline) {
      request.setDeadlineMs(latestDeadline);
      metrics.deadlineClamped();
    }
    RoutingInput input =
        new RoutingInput(
            request.getId(),
            request.getTask(),
            request.getText(),
            Validation.toArray(request.getFeatures()),
            request.getCostBudget());
    float[] features = featurizer.featurize(input);
    Gate gate = policy.gate();
    Selection selection = metrics.timeGate(() -> gate.select(input, features, random));
    String decidedBy = policy.policy();
    Gate deciding = gate;
    // Set while a canary runs: the mixture of both policies' selection probabilities.
    Map<String, Double> mixed = null;
    CandidateRunner candidate = lifecycle.candidate();
    CandidateDecision counterfactual = null;
    if (candidate != null) {
      Gate candidateGate = candidate.policy().gate();
      Selection proposed = propose(candidateGate, input, features);
      if (proposed != null) {
        double share = candidate.canaryShare();
        boolean canary = share > 0 && random.nextDouble() < share;
        counterfactual =
            candidateDecision(
                request, candidate, candidateGate, gate, selection, proposed, canary, now);
        if (share > 0) {
          // Each request is decided by production or, with the share, the candidate: the logging
          // policy is their mixture, and the log says so, so that both stay judgeable offline.
          mixed = mixture(selection, proposed, share);
        }
        if (canary) {
          selection = proposed;
          decidedBy = candidate.name();
          deciding = candidateGate;
        }
        candidate.decided(canary);
      }
    }

    List<ChosenExpert> chosen = new ArrayList<>(selection.chosen().size());
    List<Record<String, ExpertTask>> tasks = new ArrayList<>(selection.chosen().size());
    for (Choice choice : selection.chosen()) {
      chosen.add(
          new ChosenExpert(
              choice.expert(),
              choice.gateWeight(),
              mixed == null
                  ? choice.propensity()
                  : mixed.getOrDefault(choice.expert(), choice.propensity())));
      tasks.add(
          new Record<>(
              request.getId(),
              task(request, choice.expert(), choice.gateWeight(), deciding, now),
              now));
      failedBefore(taskTopicOf.apply(choice.expert()), request.getId());
    }
    List<ChosenExpert> shadows = new ArrayList<>(0);
    for (ShadowExperts.Shadow shadow :
        lifecycle
            .shadows()
            .sample(request.getTask(), selection.candidatePropensities().keySet(), random)) {
      shadows.add(new ChosenExpert(shadow.expert(), 0.0, shadow.rate()));
      Record<String, ExpertTask> task =
          new Record<>(request.getId(), task(request, shadow.expert(), 0.0, deciding, now), now);
      task.headers().add(GatestreamHeaders.SHADOW, "true".getBytes(StandardCharsets.UTF_8));
      tasks.add(task);
      failedBefore(taskTopicOf.apply(shadow.expert()), request.getId());
    }
    failedBefore(decisionsTopic, request.getId());
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setRequestId(request.getId())
            .setPolicy(decidedBy)
            .setPolicyVersion(deciding.version())
            .setChosen(chosen)
            .setCandidatePropensities(mixed == null ? selection.candidatePropensities() : mixed)
            .setFeaturizer(featurizer.name())
            .setFeatures(Validation.toList(features))
            .setTask(request.getTask())
            .setDeadlineMs(request.getDeadlineMs())
            .setRequestCreatedAtMs(request.getCreatedAtMs())
            .setReplyTo(request.getReplyTo())
            .setAttributes(request.getAttributes())
            .setDecidedAtMs(now)
            .setCascade(
                deciding instanceof CascadeGate cascade ? plan(cascade.rule(), request) : null)
            .setShadow(shadows)
            .build();
    tasks.forEach(task -> context.forward(task, RouterTopology.TASK_SINK));
    context.forward(new Record<>(request.getId(), decision, now), RouterTopology.DECISION_SINK);
    if (counterfactual != null) {
      context.forward(
          new Record<>(request.getId(), counterfactual, now), RouterTopology.CANDIDATE_SINK);
    }
    if (routedIds != null) {
      routedIds.remember(request.getId(), now);
    }
    metrics.routed(chosen);
  }

  private static ExpertTask task(
      InferenceRequest request, String expert, double gateWeight, Gate gate, long now) {
    return ExpertTask.newBuilder()
        .setRequestId(request.getId())
        .setExpert(expert)
        .setRequest(request)
        .setGateWeight(gateWeight)
        .setPolicyVersion(gate.version())
        .setIssuedAtMs(now)
        .build();
  }

  /**
   * The candidate's selection, or null when its gate fails: a candidate never costs production a
   * request.
   */
  private Selection propose(Gate candidateGate, RoutingInput input, float[] features) {
    try {
      return candidateGate.select(input, features, random);
    } catch (RuntimeException e) {
      lifecycle.candidate().failed();
      LOG.debug(
          "candidate {} failed on {}: {}",
          lifecycle.candidate().name(),
          input.requestId(),
          e.toString());
      return null;
    }
  }

  private static CandidateDecision candidateDecision(
      InferenceRequest request,
      CandidateRunner candidate,
      Gate candidateGate,
      Gate production,
      Selection produced,
      Selection proposed,
      boolean canary,
      long now) {
    List<ChosenExpert> chosen = new ArrayList<>(proposed.chosen().size());
    for (Choice choice : proposed.chosen()) {
      chosen.add(new ChosenExpert(choice.expert(), choice.gateWeight(), choice.propensity()));
    }
    return CandidateDecision.newBuilder()
        .setRequestId(request.getId())
        .setCandidate(candidate.name())
        .setCandidateVersion(candidateGate.version())
        .setProduction(candidate.productionName())
        .setProductionVersion(production.version())
        .setChosen(chosen)
        .setCandidatePropensities(proposed.candidatePropensities())
        .setProductionPropensities(produced.candidatePropensities())
        .setCanary(canary)
        .setTask(request.getTask())
        .setDecidedAtMs(now)
        .build();
  }

  /** Each expert's selection probability when the candidate decides this share of requests. */
  private static Map<String, Double> mixture(
      Selection production, Selection candidate, double share) {
    Map<String, Double> mixed = new HashMap<>();
    production
        .candidatePropensities()
        .forEach((expert, p) -> mixed.merge(expert, (1 - share) * p, Double::sum));
    candidate
        .candidatePropensities()
        .forEach((expert, p) -> mixed.merge(expert, share * p, Double::sum));
    return mixed;
  }

  /** What fusion needs to escalate: the rule, and the request to send the next expert. */
  private static CascadePlan plan(CascadeRule rule, InferenceRequest request) {
    return CascadePlan.newBuilder()
        .setOrder(rule.order())
        .setThreshold(rule.threshold())
        .setMinRemainingMs(rule.minRemainingMs())
        .setExploration(rule.exploration())
        .setRequest(request)
        .build();
  }

  /**
   * An id routed within the dedupe window is not routed again: its experts would be called twice
   * and fusion, which has already answered it, would not answer again.
   */
  private void refuseRepeated(String id, long now) {
    if (routedIds == null) {
      return;
    }
    OptionalLong routed = routedIds.routedAt(id, now);
    if (routed.isPresent()) {
      throw new DuplicateException(
          "request id '"
              + id
              + "' was already routed "
              + (now - routed.getAsLong())
              + " ms ago; ids must be unique within "
              + GatestreamConfig.ROUTER_DEDUPE_WINDOW_MS
              + " ("
              + limits.dedupeWindow().toMillis()
              + ")");
    }
  }

  /**
   * Its caller still waits for an answer: a decision that chooses no expert, past its deadline,
   * which fusion answers at once with a TIMEOUT. Without it a router that fell behind its requests'
   * deadlines would leave them unanswered.
   */
  private void expired(InferenceRequest request, long now) {
    RoutingDecision decision =
        RoutingDecision.newBuilder()
            .setRequestId(request.getId())
            .setPolicy(policy.policy())
            .setPolicyVersion(policy.gate().version())
            .setChosen(List.of())
            .setTask(request.getTask())
            .setDeadlineMs(request.getDeadlineMs())
            .setRequestCreatedAtMs(request.getCreatedAtMs())
            .setReplyTo(request.getReplyTo())
            .setAttributes(request.getAttributes())
            .setDecidedAtMs(now)
            .build();
    context.forward(new Record<>(request.getId(), decision, now), RouterTopology.DECISION_SINK);
  }

  /**
   * This request's output for {@code topic} failed to be written before: this time it is
   * dead-lettered.
   */
  private void failedBefore(String topic, String requestId) {
    writeFailures
        .flatMap(failures -> failures.take(topic, requestId))
        .ifPresent(
            reason -> {
              throw new UnwritableException(reason);
            });
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
    metrics.deadLetter(reason);
    Record<byte[], byte[]> letter = deadLetters.of(record, message);
    // The code lets a caller tell a repeated id from an invalid request without parsing the text.
    letter
        .headers()
        .add(GatestreamHeaders.DLQ_CODE, reason.code().getBytes(StandardCharsets.UTF_8));
    context.forward(letter, RouterTopology.DEAD_LETTER_SINK);
  }

  /** The request's id was routed already, within the dedupe window. */
  private static final class DuplicateException extends RuntimeException {
    DuplicateException(String message) {
      super(message);
    }
  }

  /** What the request would make cannot be written. */
  private static final class UnwritableException extends RuntimeException {
    UnwritableException(String message) {
      super(message);
    }
  }
}
