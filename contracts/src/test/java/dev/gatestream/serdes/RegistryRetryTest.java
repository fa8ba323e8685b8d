package dev.gatestream.serdes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.apicurio.registry.rest.client.exception.ContentNotFoundException;
import io.apicurio.registry.rest.v2.beans.Error;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryRetryTest {

  private final AtomicLong nanos = new AtomicLong();
  private final List<Long> sleeps = new ArrayList<>();
  private final List<String> retried = new ArrayList<>();
  private RegistryRetry retry =
      retry(
          new RegistryRetry.Policy(
              Duration.ofMillis(100),
              Duration.ofMillis(400),
              Duration.ofSeconds(5),
              Duration.ofSeconds(2)));

  private RegistryRetry retry(RegistryRetry.Policy policy) {
    return new RegistryRetry(
        policy,
        nanos::get,
        millis -> {
          sleeps.add(millis);
          nanos.addAndGet(Duration.ofMillis(millis).toNanos());
        },
        (what, attempt, reason) -> retried.add(attempt + " " + reason));
  }

  @AfterEach
  void close() {
    retry.close();
  }

  private static RuntimeException unreachable() {
    return new UncheckedIOException(new ConnectException("Connection refused"));
  }

  @Test
  void aTransientFailureIsRetriedWithAGrowingBoundedBackoffUntilItPasses() {
    AtomicInteger calls = new AtomicInteger();
    String value =
        retry.call(
            "read",
            () -> {
              if (calls.incrementAndGet() <= 4) {
                throw unreachable();
              }
              return "ok";
            });

    assertThat(value).isEqualTo("ok");
    assertThat(calls).hasValue(5);
    assertThat(sleeps).containsExactly(100L, 200L, 400L, 400L);
    assertThat(retried).hasSize(4).first().asString().startsWith("1 registry unreachable");
  }

  @Test
  void aBadRecordFailsAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    Error notFound = new Error();
    notFound.setErrorCode(404);
    assertThatThrownBy(
            () ->
                retry.call(
                    "read",
                    () -> {
                      calls.incrementAndGet();
                      throw new SerializationException(new ContentNotFoundException(notFound));
                    }))
        .isInstanceOf(SerializationException.class);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void pastTheBudgetItGivesUpWithATransientFailure() {
    assertThatThrownBy(
            () ->
                retry.call(
                    "read a record of t",
                    () -> {
                      throw unreachable();
                    }))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("read a record of t")
        .satisfies(e -> assertThat(TransientFailures.isTransient(e)).isTrue());
    long waited = sleeps.stream().mapToLong(Long::longValue).sum();
    assertThat(waited).isLessThanOrEqualTo(2000).isGreaterThan(1000);
  }

  @Test
  void anAttemptThatHangsIsCutAtItsTimeoutAndRetried() throws InterruptedException {
    retry.close();
    retry =
        retry(
            new RegistryRetry.Policy(
                Duration.ofMillis(1),
                Duration.ofMillis(1),
                Duration.ofMillis(50),
                Duration.ofSeconds(2)));
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    String value =
        retry.call(
            "read",
            () -> {
              if (calls.incrementAndGet() == 1) {
                try {
                  never.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return "too late";
              }
              return "ok";
            });

    assertThat(value).isEqualTo("ok");
    assertThat(retried).singleElement().asString().contains("no answer within 50 ms");
  }
}
