package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.topics.GatestreamHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The data plane end to end on a real broker and registry: router, replay experts, fusion. */
@ExtendWith(GatestreamStackExtension.class)
class PipelineIT {

  private final StackEndpoints stack;

  PipelineIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void tenThousandRequestsGiveExactlyTenThousandFusedResults(@TempDir Path dir) throws Exception {
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 4, 10_000, Map.of())) {
      fixture.sendRequests(0, 10_000, Duration.ofMinutes(3));

      List<FusedResult> all = new ArrayList<>();
      Await.untilTrue(
          "10,000 fused results",
          Duration.ofMinutes(4),
          () -> {
            all.addAll(fixture.pollResults());
            return all.size() >= 10_000;
          });
      // Everything committed so far has been read: nothing more is on its way.
      Await.untilTrue(
          "the reader at the end of the fused results",
          Duration.ofSeconds(30),
          () -> {
            all.addAll(fixture.pollResults());
            return fixture.readToEnd();
          });

      Map<String, Long> perRequest =
          all.stream()
              .collect(Collectors.groupingBy(FusedResult::getRequestId, Collectors.counting()));
      assertThat(all).hasSize(10_000);
      assertThat(perRequest)
          .hasSize(10_000)
          .allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
      assertThat(all)
          .allSatisfy(
              result -> {
                assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE);
                assertThat(result.getExpected()).hasSize(2);
              });
      // Exploration spread the load over all four experts.
      Map<String, Long> share =
          all.stream()
              .flatMap(result -> result.getExpected().stream())
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(share)
          .hasSize(4)
          .allSatisfy((expert, count) -> assertThat(count).isGreaterThan(2_000));
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aKilledExpertsRequestsComeOutPartialAtTheirDeadline(@TempDir Path dir) throws Exception {
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 4, 1_000, Map.of())) {
      String victim = fixture.experts.get(3);
      Duration deadline = Duration.ofSeconds(4);
      fixture.sendRequests(0, 200, deadline);
      Map<String, FusedResult> results = new HashMap<>();
      Await.untilTrue(
          "the first 200 fused results",
          Duration.ofMinutes(1),
          () -> {
            fixture.pollResults().forEach(result -> results.put(result.getRequestId(), result));
            return results.size() >= 200;
          });

      fixture.pipeline.stopExpert(victim);
      fixture.sendRequests(200, 400, deadline);
      Await.untilTrue(
          "400 fused results",
          Duration.ofMinutes(1),
          () -> {
            for (FusedResult result : fixture.pollResults()) {
              assertThat(results.put(result.getRequestId(), result))
                  .as("second result for " + result.getRequestId())
                  .isNull();
            }
            return results.size() >= 400;
          });

      List<FusedResult> afterKill = new ArrayList<>();
      for (int i = 200; i < 400; i++) {
        afterKill.add(results.get("r" + i));
      }
      List<FusedResult> routedToVictim =
          afterKill.stream().filter(result -> result.getExpected().contains(victim)).toList();
      assertThat(routedToVictim)
          .isNotEmpty()
          .allSatisfy(
              result -> {
                assertThat(result.getCompleteness()).isEqualTo(Completeness.PARTIAL);
                assertThat(result.getContributors()).doesNotContain(victim).hasSize(1);
                assertThat(result.getExpertErrors())
                    .containsEntry(victim, "no answer by the deadline");
                assertThat(result.getLatencyMs()).isGreaterThanOrEqualTo(deadline.toMillis());
              });
      assertThat(afterKill)
          .filteredOn(result -> !result.getExpected().contains(victim))
          .isNotEmpty()
          .allSatisfy(
              result -> assertThat(result.getCompleteness()).isEqualTo(Completeness.COMPLETE));
    }
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void malformedRequestsLandInTheDeadLettersWhileTheRestFlows(@TempDir Path dir) throws Exception {
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 2, 100, Map.of())) {
      fixture.sendRequests(0, 50, Duration.ofMinutes(1));
      fixture.sendRaw("garbage-1", "{\"id\": \"not avro\"}".getBytes(StandardCharsets.UTF_8));
      fixture.sendRaw(
          "garbage-2", new byte[] {0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2});
      fixture.sendRequests(50, 100, Duration.ofMinutes(1));

      Set<String> fused = new java.util.HashSet<>();
      Await.untilTrue(
          "100 fused results",
          Duration.ofMinutes(1),
          () -> {
            fixture.pollResults().forEach(result -> fused.add(result.getRequestId()));
            return fused.size() >= 100;
          });

      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
      props.put(
          ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + fixture.topics.deadLetters().name());
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<byte[], byte[]> dlq =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        dlq.subscribe(Set.of(fixture.topics.deadLetters().name()));
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        Await.until(
            "2 dead letters",
            Duration.ofSeconds(30),
            () -> {
              dlq.poll(Duration.ofMillis(200)).forEach(dead::add);
              return dead.size() >= 2 ? Optional.of(dead) : Optional.empty();
            });
        assertThat(dead)
            .extracting(record -> new String(record.key(), StandardCharsets.UTF_8))
            .containsExactlyInAnyOrder("garbage-1", "garbage-2");
        assertThat(dead)
            .allSatisfy(
                record ->
                    assertThat(
                            new String(
                                record.headers().lastHeader(GatestreamHeaders.DLQ_REASON).value(),
                                StandardCharsets.UTF_8))
                        .startsWith("cannot read inference request:"));
      }
      assertThat(fixture.pipeline.routerMetrics().deadLetters()).isEqualTo(2);
    }
  }
}
