package dev.gatestream.streams.router;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.Gate;
import dev.gatestream.policy.InvalidInputException;
import dev.gatestream.policy.RoutingInput;
import dev.gatestream.policy.Selection;
import dev.gatestream.policy.features.Featurizer;
import dev.gatestream.streams.common.DeadLetterReason;
import dev.gatestream.streams.common.DeadLetters;
import dev.gatestream.streams.common.RoutingWeightsStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Routes one request: validates it, featurizes it, lets the active gate choose experts, and emits one
 * task per chosen expert and one routing decision. What cannot be routed becomes a dead letter with the
 * reason; the stage never stops on a bad record.
 */
final class RouterProcessor implements Processor<byte[], byte[], Object, Object> {

  private final Deserializer<InferenceRequest> requests;
  private final Featurizer featurizer;
  private final ActivePolicy policy;
  private final RouterMetrics metrics;
  private final SplittableRandom random = new SplittableRandom();

  private ProcessorContext<Object, Object> context;

  RouterProcessor(Deserializer<InferenceRequest> requests, Featurizer featurizer, ActivePolicy policy,
      RouterMetrics metrics) {
    this.requests = requests;
    this.featurizer = featurizer;
    this.policy = policy;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    // After a restart the global store is restored without passing through its processor: take the
    // latest weights from the store itself.
    policy.offer(RoutingWeightsStore.latest(context, policy.policy()));
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    long now = context.currentSystemTimeMs();
    InferenceRequest request;
    try {
      request = requests.deserialize(context.recordMetadata().map(m -> m.topic()).orElse(""), record.value());
    } catch (RuntimeException e) {
      deadLetter(record, DeadLetterReason.UNREADABLE, "cannot read inference request: " + e.getMessage());
      return;
    }
    try {
      route(request, now);
    } catch (Validation.ExpiredException e) {
      deadLetter(record, DeadLetterReason.EXPIRED, e.getMessage());
    } catch (InvalidInputException e) {
      deadLetter(record, DeadLetterReason.INVALID, e.getMessage());
    } catch (KafkaException e) {
      throw e; // Kafka's own failures (e.g. a fenced producer) are for Kafka Streams to handle
    } catch (RuntimeException e) {
      // Whatever else a request provokes, it must not become a poison pill that stops the partition.
      deadLetter(record, DeadLetterReason.FAILED, "cannot route: " + e);
    }
  }

  private void route(InferenceRequest request, long now) {
    Validation.check(request, now);
    RoutingInput input = new RoutingInput(request.getId(), request.getTask(), request.getText(),
        Validation.toArray(request.getFeatures()), request.getCostBudget());
    float[] features = featurizer.featurize(input);
    Gate gate = policy.gate();
    Selection selection = metrics.timeGate(() -> gate.select(input, features, random));

    List<ChosenExpert> chosen = new ArrayList<>(selection.chosen().size());
    for (Choice choice : selection.chosen()) {
      chosen.add(new ChosenExpert(choice.expert(), choice.gateWeight(), choice.propensity()));
      ExpertTask task = ExpertTask.newBuilder().setRequestId(request.getId()).setExpert(choice.expert())
          .setRequest(request).setGateWeight(choice.gateWeight()).setPolicyVersion(gate.version())
          .setIssuedAtMs(now).build();
      context.forward(new Record<>(request.getId(), task, now), RouterTopology.TASK_SINK);
    }
    RoutingDecision decision = RoutingDecision.newBuilder()
        .setRequestId(request.getId())
        .setPolicy(policy.policy())
        .setPolicyVersion(gate.version())
        .setChosen(chosen)
        .setCandidatePropensities(selection.candidatePropensities())
        .setFeaturizer(featurizer.name())
        .setFeatures(Validation.toList(features))
        .setTask(request.getTask())
        .setDeadlineMs(request.getDeadlineMs())
        .setRequestCreatedAtMs(request.getCreatedAtMs())
        .setReplyTo(request.getReplyTo())
        .setAttributes(request.getAttributes())
        .setDecidedAtMs(now)
        .build();
    context.forward(new Record<>(request.getId(), decision, now), RouterTopology.DECISION_SINK);
    metrics.routed(chosen);
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String message) {
    metrics.deadLetter(reason);
    context.forward(DeadLetters.of(record, RouterMetrics.STAGE, message, context), RouterTopology.DEAD_LETTER_SINK);
  }
}
