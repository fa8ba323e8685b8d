package dev.gatestream.app.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ClassProbabilities;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.GatestreamHeaders;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class TimelineBuilderTest {

  private static final String ID = "r4";
  private static final long T0 = 1_790_000_000_000L;

  private final Topics topics = new Topics("t-", 4, (short) 1);
  private final GatestreamSerdes serdes = GatestreamSerdes.inMemory();
  private long offset;

  @Test
  void ordersAWholeStoryByTimeAndByTheFlowWithinOneInstant() {
    TimelineBuilder builder = new TimelineBuilder(ID, topics, serdes);
    List<Offer> offers =
        new ArrayList<>(
            List.of(
                offer(
                    TopicRole.REQUESTS,
                    topics.requests().name(),
                    ID,
                    request(ID, "gsm8k", "What is 6 * 7?", null),
                    T0),
                offer(
                    TopicRole.DECISIONS,
                    topics.decisions().name(),
                    ID,
                    decision(
                        ID,
                        Map.of("gpt-4", 0.71, "mixtral", 0.29),
                        Map.of("gpt-4", 1.0, "mixtral", 1.0)),
                    T0 + 3),
                // The router writes the tasks at the decision's instant: the flow's order puts them
                // after it.
                offer(
                    TopicRole.TASKS,
                    topics.expertTasks("mixtral").name(),
                    ID,
                    task(ID, "mixtral"),
                    T0 + 3),
                offer(
                    TopicRole.TASKS,
                    topics.expertTasks("gpt-4").name(),
                    ID,
                    task(ID, "gpt-4"),
                    T0 + 3),
                offer(
                    TopicRole.RESULTS,
                    topics.expertResults().name(),
                    ID,
                    result(ID, "mixtral", ResultStatus.OK, 41),
                    T0 + 44),
                offer(
                    TopicRole.RESULTS,
                    topics.expertResults().name(),
                    ID,
                    result(ID, "gpt-4", ResultStatus.ERROR, 90),
                    T0 + 93),
                offer(TopicRole.FUSED, topics.fusedResults().name(), ID, fused(ID), T0 + 95),
                offer(TopicRole.FEEDBACK, topics.feedback().name(), ID, feedback(ID), T0 + 5_000)));
    Collections.shuffle(offers, new Random(7));
    offers.forEach(offer -> assertThat(builder.offer(offer.role(), offer.record())).isTrue());

    List<Event> timeline = builder.timeline();

    assertThat(timeline)
        .extracting(event -> event.getClass().getSimpleName())
        .containsExactly(
            "Request", "Decision", "Task", "Task", "Result", "Result", "Fused", "Feedback");
    assertThat(timeline).extracting(Event::timeMs).isSorted();
    Event.Request request = (Event.Request) timeline.get(0);
    assertThat(request.text()).isEqualTo("What is 6 * 7?");
    assertThat(request.deadlineMs() - request.createdAtMs()).isEqualTo(5_000);
    Event.Decision decision = (Event.Decision) timeline.get(1);
    assertThat(decision.policy()).isEqualTo("default");
    assertThat(decision.policyVersion()).isEqualTo(17);
    assertThat(decision.featurizer()).isEqualTo("task32+hashed32+length1");
    assertThat(decision.featureDimension()).isEqualTo(3);
    assertThat(decision.chosen())
        .extracting(Event.Chosen::expert)
        .containsExactly("gpt-4", "mixtral");
    assertThat(decision.explored()).isFalse();
    assertThat(timeline.subList(2, 4))
        .extracting(event -> ((Event.Task) event).expert())
        .containsExactly("gpt-4", "mixtral"); // same instant, same role: by topic name
    Event.Result failed = (Event.Result) timeline.get(5);
    assertThat(failed.status()).isEqualTo("ERROR");
    assertThat(failed.error()).isEqualTo("boom");
    assertThat(((Event.Result) timeline.get(4)).answer()).isEqualTo("42");
    Event.Fused fusedEvent = (Event.Fused) timeline.get(6);
    assertThat(fusedEvent.completeness()).isEqualTo("PARTIAL");
    assertThat(fusedEvent.answer()).isEqualTo("B 0.70, A 0.20, D 0.06");
    assertThat(fusedEvent.reply()).isFalse();
    assertThat(((Event.Feedback) timeline.get(7)).reward()).isEqualTo(1.0);
    assertThat(builder.chosenExperts()).containsExactlyInAnyOrder("gpt-4", "mixtral");
  }

  @Test
  void ignoresOtherRequestsEvenWhenTheirValuesContainTheIdsBytes() {
    TimelineBuilder builder = new TimelineBuilder(ID, topics, serdes);

    // "r42" contains "r4": the byte scan lets it through to decoding, the id comparison stops it.
    assertThat(
            builder.offer(
                TopicRole.REQUESTS,
                offer(
                        TopicRole.REQUESTS,
                        topics.requests().name(),
                        "r42",
                        request("r42", null, "about r4", null),
                        T0)
                    .record()))
        .isFalse();
    assertThat(
            builder.offer(
                TopicRole.RESULTS,
                offer(
                        TopicRole.RESULTS,
                        topics.expertResults().name(),
                        "r5",
                        result("r5", "mixtral", ResultStatus.OK, 1),
                        T0)
                    .record()))
        .isFalse();
    assertThat(
            builder.offer(
                TopicRole.DEAD_LETTERS,
                deadLetter(
                    "r40",
                    "junk r4".getBytes(StandardCharsets.UTF_8),
                    topics.requests().name(),
                    T0)))
        .isFalse();

    assertThat(builder.timeline()).isEmpty();
  }

  @Test
  void anUnreadableRequestAndItsDeadLetterTellWhatHappened() {
    TimelineBuilder builder = new TimelineBuilder(ID, topics, serdes);
    byte[] junk = "{\"id\": \"not avro\"}".getBytes(StandardCharsets.UTF_8);
    ConsumerRecord<byte[], byte[]> raw =
        record(
            topics.requests().name(),
            ID.getBytes(StandardCharsets.UTF_8),
            junk,
            T0,
            new RecordHeaders());
    // The router's dead letter keeps the request's timestamp; the header says when it was written.
    ConsumerRecord<byte[], byte[]> letter = deadLetter(ID, junk, topics.requests().name(), T0);
    letter.headers().remove(GatestreamHeaders.DLQ_TIMESTAMP);
    letter
        .headers()
        .add(
            GatestreamHeaders.DLQ_TIMESTAMP,
            Long.toString(T0 + 12).getBytes(StandardCharsets.UTF_8));

    assertThat(builder.offer(TopicRole.DEAD_LETTERS, letter)).isTrue();
    assertThat(builder.offer(TopicRole.REQUESTS, raw)).isTrue();

    List<Event> timeline = builder.timeline();
    assertThat(timeline).hasSize(2);
    Event.Problem problem = (Event.Problem) timeline.get(0);
    assertThat(problem.problem()).startsWith("cannot be read as a record of t-requests: ");
    Event.DeadLetter dead = (Event.DeadLetter) timeline.get(1);
    assertThat(dead.timeMs()).isEqualTo(T0 + 12);
    assertThat(dead.stage()).isEqualTo("router");
    assertThat(dead.reason()).isEqualTo("cannot read inference request: no magic byte");
    assertThat(dead.sourceTopic()).isEqualTo("t-requests");
    assertThat(dead.sourcePartition()).isEqualTo(2);
    assertThat(dead.sourceOffset()).isEqualTo(9L);
    assertThat(dead.matchedByValue()).isFalse();
  }

  @Test
  void findsRecordsKeyedOtherwiseByTheIdInTheirValueAndSaysSo() {
    TimelineBuilder builder = new TimelineBuilder(ID, topics, serdes);
    byte[] request =
        serdes
            .valueSerde(topics.requests())
            .serializer()
            .serialize(topics.requests().name(), request(ID, "gsm8k", "hi", null));

    assertThat(
            builder.offer(
                TopicRole.REQUESTS,
                record(topics.requests().name(), null, request, T0, new RecordHeaders())))
        .isTrue();
    // A dead letter of that keyless request: found by decoding the original it carries.
    assertThat(
            builder.offer(
                TopicRole.DEAD_LETTERS,
                deadLetter(null, request, topics.requests().name(), T0 + 1)))
        .isTrue();

    List<Event> timeline = builder.timeline();
    assertThat(timeline)
        .extracting(event -> event.getClass().getSimpleName())
        .containsExactly("Request", "Problem", "DeadLetter");
    assertThat(((Event.Problem) timeline.get(1)).problem())
        .isEqualTo("about this request but keyed with no key: stages that join by key miss it");
    assertThat(((Event.DeadLetter) timeline.get(2)).matchedByValue()).isTrue();
  }

  @Test
  void aRecordKeyedByTheRequestButAboutAnotherIsAProblem() {
    TimelineBuilder builder = new TimelineBuilder(ID, topics, serdes);

    assertThat(
            builder.offer(
                TopicRole.RESULTS,
                offer(
                        TopicRole.RESULTS,
                        topics.expertResults().name(),
                        ID,
                        result("r9", "mixtral", ResultStatus.OK, 3),
                        T0)
                    .record()))
        .isTrue();
    assertThat(
            builder.offer(
                TopicRole.FEEDBACK,
                record(
                    topics.feedback().name(),
                    ID.getBytes(StandardCharsets.UTF_8),
                    null,
                    T0 + 1,
                    new RecordHeaders())))
        .isTrue();

    assertThat(builder.timeline())
        .extracting(event -> event.getClass().getSimpleName())
        .containsExactly("Result", "Problem", "Problem");
    assertThat(((Event.Problem) builder.timeline().get(1)).problem())
        .isEqualTo("keyed by this request but its value is about request 'r9'");
    assertThat(((Event.Problem) builder.timeline().get(2)).problem()).contains("tombstone");
  }

  @Test
  void theReplyTopicComesFromTheRequestAndItsCopyIsMarked() {
    TimelineBuilder builder = new TimelineBuilder(ID, topics, serdes);
    builder.offer(
        TopicRole.REQUESTS,
        offer(
                TopicRole.REQUESTS,
                topics.requests().name(),
                ID,
                request(ID, "gsm8k", "hi", "my-replies"),
                T0)
            .record());
    ConsumerRecord<byte[], byte[]> reply =
        record(
            "my-replies",
            ID.getBytes(StandardCharsets.UTF_8),
            serdes
                .valueSerde(topics.fusedResults())
                .serializer()
                .serialize("my-replies", fused(ID)),
            T0 + 9,
            new RecordHeaders());

    assertThat(builder.replyTopics()).containsExactly("my-replies");
    assertThat(builder.offer(TopicRole.REPLIES, reply)).isTrue();
    assertThat(((Event.Fused) builder.timeline().get(1)).reply()).isTrue();
  }

  @Test
  void aChoiceAgainstThePolicysOddsIsAnExploration() {
    List<Event.Chosen> mixtral = List.of(new Event.Chosen("mixtral", 1.0, 0.03));

    assertThat(EventDecoder.explored(mixtral, Map.of("gpt-4", 0.97, "mixtral", 0.03))).isTrue();
    assertThat(EventDecoder.explored(mixtral, Map.of("gpt-4", 0.03, "mixtral", 0.97))).isFalse();
    assertThat(EventDecoder.explored(mixtral, Map.of("gpt-4", 0.5, "mixtral", 0.5))).isFalse();
    assertThat(EventDecoder.explored(mixtral, Map.of())).isNull();
  }

  @Test
  void theByteScanFindsTheIdAnywhereAndOnlyWhole() {
    byte[] id = "r4".getBytes(StandardCharsets.UTF_8);

    assertThat(TimelineBuilder.contains("xxr4".getBytes(StandardCharsets.UTF_8), id)).isTrue();
    assertThat(TimelineBuilder.contains("r4".getBytes(StandardCharsets.UTF_8), id)).isTrue();
    assertThat(TimelineBuilder.contains("rr 4".getBytes(StandardCharsets.UTF_8), id)).isFalse();
    assertThat(TimelineBuilder.contains("r".getBytes(StandardCharsets.UTF_8), id)).isFalse();
    assertThat(TimelineBuilder.contains(null, id)).isFalse();
  }

  private record Offer(TopicRole role, ConsumerRecord<byte[], byte[]> record) {}

  private <V extends SpecificRecord> Offer offer(
      TopicRole role, String topic, String key, V value, long timestamp) {
    @SuppressWarnings("unchecked")
    Class<V> type = (Class<V>) value.getClass();
    byte[] bytes = serdes.avro(type, false).serializer().serialize(topic, value);
    return new Offer(
        role,
        record(topic, key.getBytes(StandardCharsets.UTF_8), bytes, timestamp, new RecordHeaders()));
  }

  private ConsumerRecord<byte[], byte[]> deadLetter(
      String key, byte[] value, String sourceTopic, long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        GatestreamHeaders.DLQ_REASON,
        "cannot read inference request: no magic byte".getBytes(StandardCharsets.UTF_8));
    headers.add(GatestreamHeaders.DLQ_STAGE, "router".getBytes(StandardCharsets.UTF_8));
    headers.add(GatestreamHeaders.DLQ_SOURCE_TOPIC, sourceTopic.getBytes(StandardCharsets.UTF_8));
    headers.add(GatestreamHeaders.DLQ_SOURCE_PARTITION, "2".getBytes(StandardCharsets.UTF_8));
    headers.add(GatestreamHeaders.DLQ_SOURCE_OFFSET, "9".getBytes(StandardCharsets.UTF_8));
    headers.add(
        GatestreamHeaders.DLQ_TIMESTAMP, Long.toString(timestamp).getBytes(StandardCharsets.UTF_8));
    return record(
        topics.deadLetters().name(),
        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
        value,
        timestamp,
        headers);
  }

  private ConsumerRecord<byte[], byte[]> record(
      String topic, byte[] key, byte[] value, long timestamp, RecordHeaders headers) {
    return new ConsumerRecord<>(
        topic,
        0,
        offset++,
        timestamp,
        TimestampType.CREATE_TIME,
        key == null ? -1 : key.length,
        value == null ? -1 : value.length,
        key,
        value,
        headers,
        Optional.empty());
  }

  private static InferenceRequest request(String id, String task, String text, String replyTo) {
    return InferenceRequest.newBuilder()
        .setId(id)
        .setCreatedAtMs(T0)
        .setTask(task)
        .setText(text)
        .setDeadlineMs(T0 + 5_000)
        .setReplyTo(replyTo)
        .build();
  }

  private static RoutingDecision decision(
      String id, Map<String, Double> weights, Map<String, Double> propensities) {
    List<ChosenExpert> chosen =
        weights.entrySet().stream()
            .sorted(Map.Entry.comparingByValue((a, b) -> Double.compare(b, a)))
            .map(e -> new ChosenExpert(e.getKey(), e.getValue(), propensities.get(e.getKey())))
            .toList();
    return RoutingDecision.newBuilder()
        .setRequestId(id)
        .setPolicy("default")
        .setPolicyVersion(17)
        .setChosen(chosen)
        .setCandidatePropensities(propensities)
        .setFeaturizer("task32+hashed32+length1")
        .setFeatures(List.of(1f, 0f, 0.5f))
        .setTask("gsm8k")
        .setDeadlineMs(T0 + 5_000)
        .setRequestCreatedAtMs(T0)
        .setDecidedAtMs(T0 + 3)
        .build();
  }

  private static ExpertTask task(String id, String expert) {
    return ExpertTask.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setRequest(request(id, "gsm8k", "x", null))
        .setGateWeight(0.5)
        .setPolicyVersion(17)
        .setIssuedAtMs(T0 + 3)
        .build();
  }

  private static ExpertResult result(
      String id, String expert, ResultStatus status, long latencyMs) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(status)
        .setOutput(status == ResultStatus.OK ? new TextAnswer("42") : null)
        .setLatencyMs(latencyMs)
        .setCost(status == ResultStatus.OK ? 0.0006 : 0)
        .setErrorMessage(status == ResultStatus.OK ? null : "boom")
        .setCompletedAtMs(T0 + 3 + latencyMs)
        .build();
  }

  private static FusedResult fused(String id) {
    return FusedResult.newBuilder()
        .setRequestId(id)
        .setOutput(
            new ClassProbabilities(List.of("A", "B", "C", "D"), List.of(0.2, 0.7, 0.04, 0.06)))
        .setStrategy("weighted-average")
        .setContributors(List.of("mixtral"))
        .setExpected(List.of("gpt-4", "mixtral"))
        .setExpertErrors(Map.of("gpt-4", "ERROR: boom"))
        .setCompleteness(Completeness.PARTIAL)
        .setTotalCost(0.0006)
        .setLatencyMs(95)
        .setPolicyVersion(17)
        .setEmittedAtMs(T0 + 95)
        .build();
  }

  private static Feedback feedback(String id) {
    return Feedback.newBuilder()
        .setRequestId(id)
        .setReward(1.0)
        .setLabel("42")
        .setExpertRewards(Map.of("mixtral", 1.0))
        .setObservedAtMs(T0 + 5_000)
        .build();
  }
}
