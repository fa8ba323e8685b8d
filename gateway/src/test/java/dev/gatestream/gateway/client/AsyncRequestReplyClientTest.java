package dev.gatestream.gateway.client;

import static dev.gatestream.gateway.client.MockKafka.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.contracts.FusedResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AsyncRequestReplyClientTest {

  private static final String REPLIES = "t-replies-gw";

  private final TestClock clock = new TestClock(1_000);

  private AsyncRequestReplyClient start(MockKafka kafka) {
    kafka.topic(REPLIES, 1, 0);
    return new AsyncRequestReplyClient(
        kafka.client(ReplyRoute.to(REPLIES), 10, Duration.ofMillis(500), clock), "t");
  }

  @Test
  void theFutureCompletesWithTheResultOfItsRequest() throws Exception {
    MockKafka kafka = new MockKafka(true);
    try (AsyncRequestReplyClient client = start(kafka)) {
      AsyncRequestReplyClient.Call call = client.request(request("a"), 300);
      assertThat(call.request().getReplyTo()).isEqualTo(REPLIES);
      assertThat(call.request().getDeadlineMs()).isEqualTo(1_300);
      assertThat(client.healthy()).isTrue();

      kafka.result(REPLIES, 0, "a");

      FusedResult result = call.result().get(10, TimeUnit.SECONDS);
      assertThat(result.getRequestId()).isEqualTo("a");
    }
  }

  @Test
  void theFutureFailsWithATimeoutOnceTheClockPassesTheDeadlineAndGrace() {
    MockKafka kafka = new MockKafka(true);
    try (AsyncRequestReplyClient client = start(kafka)) {
      CompletableFuture<FusedResult> result = client.request(request("a"), 300).result();
      assertThat(result).isNotDone();

      clock.set(1_800);

      assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("no result for a");
    }
  }

  @Test
  void aFailedSendFailsTheFutureWithWhyItFailed() {
    MockKafka kafka = new MockKafka(false);
    try (AsyncRequestReplyClient client = start(kafka)) {
      CompletableFuture<FusedResult> result = client.request(request("a"), 300).result();

      kafka.producer.errorNext(new KafkaException("broker down"));

      assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).cause().hasMessage("broker down");
    }
  }

  @Test
  void aRequestUnderAnIdInFlightIsRefusedAtOnce() {
    MockKafka kafka = new MockKafka(true);
    try (AsyncRequestReplyClient client = start(kafka)) {
      client.request(request("a"), 300);
      assertThatThrownBy(() -> client.request(request("a"), 300))
          .isInstanceOf(DuplicateRequestException.class);
    }
  }

  @Test
  void whenTheReaderFailsCallsInFlightFailAndTheClientIsUnhealthy() {
    MockKafka kafka = new MockKafka(true);
    try (AsyncRequestReplyClient client = start(kafka)) {
      CompletableFuture<FusedResult> result = client.request(request("a"), 300).result();

      kafka.consumer.setPollException(new KafkaException("fenced"));

      assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(AsyncRequestReplyClient.ClientClosedException.class);
      assertThat(client.healthy()).isFalse();
      assertThatThrownBy(() -> client.request(request("b"), 300))
          .isInstanceOf(AsyncRequestReplyClient.ClientClosedException.class);
    }
  }

  @Test
  void closingFailsCallsInFlightAndClosesTheClients() {
    MockKafka kafka = new MockKafka(true);
    AsyncRequestReplyClient client = start(kafka);
    CompletableFuture<FusedResult> result = client.request(request("a"), 300).result();

    client.close();

    assertThat(result).isCompletedExceptionally();
    assertThat(client.healthy()).isFalse();
    assertThat(kafka.producer.closed()).isTrue();
    assertThat(kafka.consumer.closed()).isTrue();
  }
}
