package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.app.inspect.Event;
import dev.gatestream.app.inspect.InspectListener;
import dev.gatestream.app.inspect.InspectReport;
import dev.gatestream.app.inspect.Inspection;
import dev.gatestream.app.inspect.TopicRead;
import dev.gatestream.app.inspect.TopicRole;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} on a live pipeline (router, two replay experts, fusion) on a real broker and
 * registry: a routed request's whole story, with its reply and its feedback, read from the id's
 * partition alone; a poison record's and an expired request's dead letters; and an id found nowhere
 * (the CLI's rendering is InspectCommandTest's).
 */
@ExtendWith(GatestreamStackExtension.class)
class InspectIT {

  private static final String ROUTED = "r50";
  private static final String POISON = "poison-1";
  private static final String EXPIRED = "late-1";

  private final StackEndpoints stack;

  InspectIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void tellsTheStoryOfARoutedRequestAndOfTheRefusedOnes(@TempDir Path dir) throws Exception {
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 2, 100, Map.of());
        RegistrySerdes serdes = new RegistrySerdes(stack.registryUrl(), true)) {
      KafkaClients clients = new KafkaClients(fixture.config, stack.bootstrapServers());
      TopicSpec<String, FusedResult> replies = fixture.topics.replies(TestNames.unique("inspect"));
      try (Admin admin = clients.admin("inspect-it-admin")) {
        new TopicApplier(admin, Duration.ofSeconds(30)).apply(List.of(replies));
      }
      // Other traffic on every partition, which reading by key skips.
      fixture.sendRequests(0, 40, Duration.ofMinutes(1));
      fixture.sendRaw(POISON, "{\"id\": \"not avro\"}".getBytes(StandardCharsets.UTF_8));
      RecordMetadata sent;
      Instant beforeFeedback;
      try (KafkaProducer<String, InferenceRequest> requests =
              clients.producer(
                  "inspect-it-requests",
                  Map.of(),
                  new StringSerializer(),
                  serdes.valueSerde(fixture.topics.requests()).serializer());
          KafkaProducer<String, Feedback> feedback =
              clients.producer(
                  "inspect-it-feedback",
                  Map.of(),
                  new StringSerializer(),
                  serdes.valueSerde(fixture.topics.feedback()).serializer())) {
        long now = System.currentTimeMillis();
        requests
            .send(
                new ProducerRecord<>(
                    fixture.topics.requests().name(),
                    EXPIRED,
                    InferenceRequest.newBuilder()
                        .setId(EXPIRED)
                        .setCreatedAtMs(now - 2_000)
                        .setTask("task-1")
                        .setText("too late")
                        .setDeadlineMs(now - 1_000)
                        .build()))
            .get(30, TimeUnit.SECONDS);
        sent =
            requests
                .send(
                    new ProducerRecord<>(
                        fixture.topics.requests().name(),
                        ROUTED,
                        InferenceRequest.newBuilder()
                            .setId(ROUTED)
                            .setCreatedAtMs(now)
                            .setTask("task-0")
                            .setText("question number 50")
                            .setDeadlineMs(now + 60_000)
                            .setReplyTo(replies.name())
                            .build()))
                .get(30, TimeUnit.SECONDS);

        Set<String> fused = new HashSet<>();
        Await.untilTrue(
            "the fused result of " + ROUTED,
            Duration.ofMinutes(1),
            () -> {
              fixture.pollResults().forEach(result -> fused.add(result.getRequestId()));
              return fused.contains(ROUTED);
            });
        beforeFeedback = Instant.now();
        feedback
            .send(
                new ProducerRecord<>(
                    fixture.topics.feedback().name(),
                    ROUTED,
                    Feedback.newBuilder()
                        .setRequestId(ROUTED)
                        .setReward(0.75)
                        .setLabel("50")
                        .setObservedAtMs(System.currentTimeMillis())
                        .build()))
            .get(30, TimeUnit.SECONDS);
      }

      Inspection inspection = inspection(fixture, clients, serdes, null);
      InspectReport story = inspection.inspect(ROUTED, InspectListener.NONE);

      assertThat(story.events())
          .extracting(event -> event.getClass().getSimpleName())
          .containsExactly(
              "Request",
              "Decision",
              "Task",
              "Task",
              "Result",
              "Result",
              "Fused",
              "Fused",
              "Feedback");
      assertThat(story.events()).extracting(Event::timeMs).isSorted();
      Event.Request request = (Event.Request) story.events().get(0);
      assertThat(request.replyTo()).isEqualTo(replies.name());
      assertThat(request.at().partition()).isEqualTo(sent.partition());
      Event.Decision decision = (Event.Decision) story.events().get(1);
      assertThat(decision.chosen())
          .extracting(Event.Chosen::expert)
          .containsExactlyInAnyOrderElementsOf(fixture.experts);
      assertThat(decision.featurizer()).isNotBlank();
      assertThat(decision.featureDimension()).isEqualTo(64);
      assertThat(decision.explored()).isFalse(); // two of two experts: nothing was left out
      assertThat(story.events().subList(2, 4))
          .extracting(event -> ((Event.Task) event).expert())
          .containsExactlyInAnyOrderElementsOf(fixture.experts);
      assertThat(story.events().subList(4, 6))
          .allSatisfy(
              event -> {
                Event.Result result = (Event.Result) event;
                assertThat(result.status()).isEqualTo("OK");
                assertThat(result.at().topic()).isEqualTo(fixture.topics.expertResults().name());
              });
      Event.Fused onFusedResults = (Event.Fused) story.events().get(6);
      Event.Fused onReplies = (Event.Fused) story.events().get(7);
      assertThat(onFusedResults.reply()).isFalse();
      assertThat(onFusedResults.completeness()).isEqualTo("COMPLETE");
      assertThat(onFusedResults.contributors())
          .containsExactlyInAnyOrderElementsOf(fixture.experts);
      assertThat(onReplies.reply()).isTrue();
      assertThat(onReplies.at().topic()).isEqualTo(replies.name());
      Event.Feedback feedback = (Event.Feedback) story.events().get(8);
      assertThat(feedback.reward()).isEqualTo(0.75);
      assertThat(feedback.label()).isEqualTo("50");

      // Every catalogue topic was read in the partition the producer put the request in, and only
      // there.
      TopicRead requestsRead = read(story, TopicRole.REQUESTS);
      assertThat(requestsRead.byKey()).isTrue();
      assertThat(requestsRead.partitionCount()).isEqualTo(4);
      assertThat(requestsRead.partitionsRead()).containsExactly(sent.partition());
      assertThat(requestsRead.records()).isLessThan(43); // 43 requests were sent in all
      assertThat(story.reads())
          .filteredOn(TopicRead::exists)
          .filteredOn(r -> r.role() != TopicRole.REPLIES)
          .allSatisfy(r -> assertThat(r.partitionsRead()).containsExactly(sent.partition()));
      assertThat(story.readByKey()).isTrue();
      // Reading all partitions finds the same story.
      assertThat(
              inspection(fixture, clients, serdes, null, true)
                  .inspect(ROUTED, InspectListener.NONE)
                  .events())
          .isEqualTo(story.events());

      InspectReport poison =
          Await.until(
              "the dead letter of " + POISON,
              Duration.ofMinutes(1),
              () ->
                  found(inspection.inspect(POISON, InspectListener.NONE), Event.DeadLetter.class));
      assertThat(poison.events())
          .extracting(event -> event.getClass().getSimpleName())
          .containsExactly("Problem", "DeadLetter");
      assertThat(((Event.Problem) poison.events().get(0)).problem())
          .startsWith("cannot be read as a record of " + fixture.topics.requests().name());
      Event.DeadLetter poisonLetter = (Event.DeadLetter) poison.events().get(1);
      assertThat(poisonLetter.stage()).isEqualTo("router");
      assertThat(poisonLetter.reason()).startsWith("cannot read inference request:");
      assertThat(poisonLetter.sourceTopic()).isEqualTo(fixture.topics.requests().name());

      InspectReport expired =
          Await.until(
              "the dead letter of " + EXPIRED,
              Duration.ofMinutes(1),
              () ->
                  found(inspection.inspect(EXPIRED, InspectListener.NONE), Event.DeadLetter.class));
      // The router dead-letters it and still decides it, asking no expert, so that fusion answers
      // the caller with a TIMEOUT at once.
      assertThat(expired.events())
          .extracting(event -> event.getClass().getSimpleName())
          .containsExactlyInAnyOrder("Request", "Decision", "DeadLetter", "Fused");
      assertThat(
              expired.events().stream()
                  .filter(Event.DeadLetter.class::isInstance)
                  .map(event -> ((Event.DeadLetter) event).reason()))
          .singleElement()
          .asString()
          .startsWith("deadline passed");

      assertThat(inspection.inspect("nobody", InspectListener.NONE).found()).isFalse();
      // From a time on: only what came after it.
      assertThat(
              inspection(fixture, clients, serdes, beforeFeedback)
                  .inspect(ROUTED, InspectListener.NONE)
                  .events())
          .extracting(event -> event.getClass().getSimpleName())
          .containsExactly("Feedback");
    }
  }

  private static Optional<InspectReport> found(InspectReport report, Class<? extends Event> kind) {
    return report.events().stream().anyMatch(kind::isInstance)
        ? Optional.of(report)
        : Optional.empty();
  }

  private static TopicRead read(InspectReport report, TopicRole role) {
    return report.reads().stream().filter(read -> read.role() == role).findFirst().orElseThrow();
  }

  private static Inspection inspection(
      PipelineFixture fixture, KafkaClients clients, RegistrySerdes serdes, Instant since) {
    return inspection(fixture, clients, serdes, since, false);
  }

  private static Inspection inspection(
      PipelineFixture fixture,
      KafkaClients clients,
      RegistrySerdes serdes,
      Instant since,
      boolean allPartitions) {
    return new Inspection(
        clients,
        fixture.topics,
        serdes,
        new Inspection.Settings(since, allPartitions, fixture.experts, Duration.ofSeconds(30)),
        Clock.systemUTC());
  }
}
