package dev.gatestream.gateway.client;

import static dev.gatestream.gateway.client.MockKafka.TOPICS;
import static dev.gatestream.gateway.client.MockKafka.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RequestReplyClientTest {

  private static final String REPLIES = "t-replies-gw";
  private static final Duration GRACE = Duration.ofMillis(500);

  private final TestClock clock = new TestClock(1_000);

  @Test
  void sendsEachRequestStampedByTheClockAndAskingForTheReplyTopic() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 10, GRACE, clock)) {
      InferenceRequest sent = client.send(request("a"), 300, "tag-a");

      assertThat(sent.getCreatedAtMs()).isEqualTo(1_000);
      assertThat(sent.getDeadlineMs()).isEqualTo(1_300);
      assertThat(sent.getReplyTo()).isEqualTo(REPLIES);
      assertThat(client.inFlight()).isEqualTo(1);
      ProducerRecord<String, InferenceRequest> produced = kafka.producer.history().get(0);
      assertThat(produced.topic()).isEqualTo(TOPICS.requests().name());
      assertThat(produced.key()).isEqualTo("a");
      assertThat(produced.value()).isEqualTo(sent);
    }
  }

  @Test
  void eachRequestGetsItsOwnResultOnceAndOtherResultsAreSkipped() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 10, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");
      client.send(request("b"), 300, "tag-b");
      kafka.result(REPLIES, 0, "someone-else");
      kafka.result(REPLIES, 1, "b");
      kafka.result(REPLIES, 2, "b");
      kafka.result(REPLIES, 3, "a");

      List<Outcome<String>> outcomes = client.poll(Duration.ZERO);

      assertThat(outcomes)
          .extracting(Outcome::requestId, Outcome::tag)
          .containsExactly(tuple("b", "tag-b"), tuple("a", "tag-a"));
      assertThat(outcomes)
          .allSatisfy(
              outcome ->
                  assertThat(outcome)
                      .isInstanceOfSatisfying(
                          Outcome.Answered.class,
                          answered ->
                              assertThat(answered.result().getRequestId())
                                  .isEqualTo(answered.requestId())));
      assertThat(client.inFlight()).isZero();
      assertThat(client.positions()).isEqualTo(Map.of(new TopicPartition(REPLIES, 0), 4L));
    }
  }

  @Test
  void aRefusalByTheRouterEndsARequestWhileOtherDeadLettersDoNot() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    kafka.topic(TOPICS.deadLetters().name(), 2, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES).withDeadLetters(), 10, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");
      kafka.deadLetter(0, "a", TOPICS.expertResults().name(), "fusion", "unreadable expert result");
      assertThat(client.poll(Duration.ZERO)).isEmpty();

      kafka.deadLetter(
          1, "a", TOPICS.requests().name(), "router", "text longer than 100000 characters");
      assertThat(client.poll(Duration.ZERO))
          .singleElement()
          .isEqualTo(
              new Outcome.Refused<>(
                  "a", "tag-a", "router", "", "text longer than 100000 characters"));
    }
  }

  @Test
  void requestsNameTheirReplyTopicAndOnlyTheirOwnRefusalsEndThem() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    kafka.topic(TOPICS.deadLetters().name(), 2, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES).withDeadLetters(), 10, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");
      assertThat(kafka.producer.history())
          .singleElement()
          .satisfies(
              sent ->
                  assertThat(sent.headers().lastHeader(GatestreamHeaders.REPLY_TO).value())
                      .isEqualTo(REPLIES.getBytes(StandardCharsets.UTF_8)));

      kafka.deadLetter(
          0,
          "a",
          TOPICS.requests().name(),
          "router",
          "another caller's request",
          Map.of(GatestreamHeaders.REPLY_TO, "t-reply-other"));
      assertThat(client.poll(Duration.ZERO)).isEmpty();

      kafka.deadLetter(
          1,
          "a",
          TOPICS.requests().name(),
          "router",
          "request id 'a' was already routed",
          Map.of(GatestreamHeaders.REPLY_TO, REPLIES, GatestreamHeaders.DLQ_CODE, "duplicate"));
      assertThat(client.poll(Duration.ZERO))
          .singleElement()
          .isEqualTo(
              new Outcome.Refused<>(
                  "a", "tag-a", "router", "duplicate", "request id 'a' was already routed"));
    }
  }

  @Test
  void anUnreadableResultIsAnOutcomeNotAnException() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 10, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");
      client.send(request("b"), 300, "tag-b");
      kafka.raw(REPLIES, 0, "a", new byte[] {9, 9, 9});
      kafka.raw(REPLIES, 1, "b", null);

      assertThat(client.poll(Duration.ZERO))
          .hasSize(2)
          .allSatisfy(outcome -> assertThat(outcome).isInstanceOf(Outcome.Unreadable.class));
    }
  }

  @Test
  void theWindowBoundsRequestsInFlightAndAFailedSendFreesItsPlace() {
    MockKafka kafka = new MockKafka(false);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 1, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");
      assertThat(client.hasRoom()).isFalse();
      assertThatThrownBy(() -> client.send(request("b"), 300, "tag-b"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("1 requests in flight");

      KafkaException down = new KafkaException("broker down");
      kafka.producer.errorNext(down);

      assertThat(client.poll(Duration.ZERO))
          .singleElement()
          .isEqualTo(new Outcome.NotSent<>("a", "tag-a", down));
      assertThat(client.hasRoom()).isTrue();
    }
  }

  @Test
  void aSecondRequestUnderAnIdInFlightIsRefused() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 10, GRACE, clock)) {
      client.send(request("a"), 300, "first");
      assertThatThrownBy(() -> client.send(request("a"), 300, "second"))
          .isInstanceOf(DuplicateRequestException.class)
          .hasMessageContaining("'a' is already in flight");
      assertThat(kafka.producer.history()).hasSize(1);
    }
  }

  @Test
  void aRequestTimesOutByTheClientsClockAtItsDeadlinePlusTheGrace() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 10, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");

      clock.set(1_799);
      assertThat(client.expire()).isEmpty();
      clock.set(1_800);
      assertThat(client.expire()).singleElement().isEqualTo(new Outcome.TimedOut<>("a", "tag-a"));

      kafka.result(REPLIES, 0, "a"); // too late: nobody waits for it any more
      assertThat(client.poll(Duration.ZERO)).isEmpty();
    }
  }

  @Test
  void aResumedClientReadsFromItsPositionsAndTellsWhenItHasCaughtUp() {
    MockKafka kafka = new MockKafka(true);
    String scoreReplies = TOPICS.scoreReplies("run1").name();
    kafka.topic(scoreReplies, 1, 5);
    kafka.topic(TOPICS.deadLetters().name(), 2, 8);
    TopicPartition replies = new TopicPartition(scoreReplies, 0);
    TopicPartition deadLetters0 = new TopicPartition(TOPICS.deadLetters().name(), 0);
    TopicPartition deadLetters1 = new TopicPartition(TOPICS.deadLetters().name(), 1);
    ReplyRoute route =
        ReplyRoute.to(scoreReplies)
            .readFromBeginning()
            .withDeadLetters()
            .resumingAt(Map.of(replies, 3L, deadLetters0, 6L));
    try (RequestReplyClient<String> client = kafka.client(route, 10, GRACE, clock)) {
      // Positions as resumed, the dead letters without one at their end.
      assertThat(client.positions())
          .isEqualTo(Map.of(replies, 3L, deadLetters0, 6L, deadLetters1, 8L));
      client.await("a", 5_000, "tag-a");
      assertThat(client.inFlight()).isEqualTo(1);
      assertThat(client.caughtUp()).isFalse();

      kafka.result(scoreReplies, 3, "z");
      kafka.result(scoreReplies, 4, "a");
      kafka.deadLetter(6, "y", TOPICS.requests().name(), "router", "bad");
      kafka.deadLetter(7, "x", TOPICS.requests().name(), "router", "bad");

      assertThat(client.poll(Duration.ZERO))
          .singleElement()
          .isInstanceOf(Outcome.Answered.class)
          .extracting(Outcome::requestId)
          .isEqualTo("a");
      assertThat(client.caughtUp()).isTrue();
      assertThat(client.send(request("b"), 300, "tag-b").getReplyTo()).isEqualTo(scoreReplies);
    }
  }

  @Test
  void aClientOfTheSharedResultsNamesNoReplyTopicAndReadsFromTheirEnd() {
    MockKafka kafka = new MockKafka(true);
    String fused = TOPICS.fusedResults().name();
    kafka.topic(fused, 2, 7);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.sharedResults(), 10, GRACE, clock)) {
      assertThat(client.positions())
          .isEqualTo(Map.of(new TopicPartition(fused, 0), 7L, new TopicPartition(fused, 1), 7L));
      assertThat(client.caughtUp()).isTrue();
      assertThat(client.send(request("a"), 300, "tag-a").getReplyTo()).isNull();

      kafka.result(fused, 7, "a");
      assertThat(client.poll(Duration.ZERO))
          .singleElement()
          .extracting(Outcome::tag)
          .isEqualTo("tag-a");
    }
  }

  @Test
  void aMissingReplyTopicIsNamedAndTheClientsAreClosed() {
    MockKafka kafka = new MockKafka(true);
    assertThatThrownBy(() -> kafka.client(ReplyRoute.to("t-gone"), 10, GRACE, clock))
        .isInstanceOf(KafkaException.class)
        .hasMessage("no topic t-gone to read results from: create it first");
    assertThat(kafka.producer.closed()).isTrue();
    assertThat(kafka.consumer.closed()).isTrue();
  }

  @Test
  void abandoningForgetsEveryRequestInFlight() {
    MockKafka kafka = new MockKafka(true);
    kafka.topic(REPLIES, 1, 0);
    try (RequestReplyClient<String> client =
        kafka.client(ReplyRoute.to(REPLIES), 10, GRACE, clock)) {
      client.send(request("a"), 300, "tag-a");
      client.await("b", 9_000, "tag-b");

      assertThat(client.abandon()).containsExactlyInAnyOrder("tag-a", "tag-b");
      assertThat(client.inFlight()).isZero();
      kafka.result(REPLIES, 0, "a");
      assertThat(client.poll(Duration.ZERO)).isEmpty();
    }
  }
}
