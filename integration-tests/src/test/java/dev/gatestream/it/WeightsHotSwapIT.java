package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.GatestreamStackExtension;
import dev.gatestream.it.harness.StackEndpoints;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.streams.router.ActivePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Weights published to the compacted topic reach the running router fast, whole, and in order. */
@ExtendWith(GatestreamStackExtension.class)
class WeightsHotSwapIT {

  private final StackEndpoints stack;

  WeightsHotSwapIT(StackEndpoints stack) {
    this.stack = stack;
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void newVersionsArePickedUpWithinTwoSecondsAndNeverMixed(@TempDir Path dir) throws Exception {
    Map<String, String> greedyTopOne =
        Map.of(
            GatestreamConfig.ROUTER_EXPLORATION,
            "none",
            GatestreamConfig.ROUTER_GATE_K,
            "1",
            GatestreamConfig.ROUTER_POLICY,
            "swap-test");
    try (PipelineFixture fixture = new PipelineFixture(stack, dir, 3, 2_000, greedyTopOne);
        KafkaProducer<String, RoutingWeights> publisher = publisher(fixture)) {
      List<String> experts = fixture.experts;
      List<Long> pickupMs = new ArrayList<>();
      List<FusedResult> results = new ArrayList<>();
      int sent = 0;
      for (int version = 1; version <= 3; version++) {
        String favourite = experts.get(version % experts.size());
        long publishedAt = System.currentTimeMillis();
        publisher
            .send(
                new ProducerRecord<>(
                    fixture.topics.routingWeights().name(),
                    "swap-test",
                    weights(version, experts, favourite, publishedAt)))
            .get(10, TimeUnit.SECONDS);
        long expected = version;
        ActivePolicy.Swap swap =
            Await.until(
                "weights v" + version + " in the router",
                Duration.ofSeconds(10),
                () ->
                    java.util.Optional.ofNullable(fixture.pipeline.activePolicy())
                        .filter(active -> active.gate().version() == expected));
        pickupMs.add(swap.swappedAtMs() - publishedAt);

        fixture.sendRequests(sent, sent + 100, Duration.ofSeconds(30));
        sent += 100;
        int target = sent;
        Await.untilTrue(
            target + " fused results",
            Duration.ofSeconds(60),
            () -> {
              results.addAll(fixture.pollResults());
              return results.size() >= target;
            });
      }

      assertThat(pickupMs).allSatisfy(ms -> assertThat(ms).isLessThan(2_000));
      // Every decision was made by exactly one version, and routed as that version says.
      assertThat(results)
          .allSatisfy(
              result ->
                  assertThat(result.getExpected())
                      .containsExactly(
                          experts.get((int) (result.getPolicyVersion() % experts.size()))));
      assertThat(results).extracting(FusedResult::getPolicyVersion).containsOnly(1L, 2L, 3L);
      System.out.println("weights pickup after publication, ms: " + pickupMs);
    }
  }

  private KafkaProducer<String, RoutingWeights> publisher(PipelineFixture fixture) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    return new KafkaProducer<>(
        props,
        new StringSerializer(),
        GatestreamSerdes.registry(stack.registryUrl(), true)
            .valueSerde(fixture.topics.routingWeights())
            .serializer());
  }

  /** Weights whose biases make one expert the clear favourite of a greedy top-1 gate. */
  private static RoutingWeights weights(
      long version, List<String> experts, String favourite, long publishedAt) {
    List<Double> biases =
        experts.stream().map(expert -> expert.equals(favourite) ? 5.0 : 0.0).toList();
    return RoutingWeights.newBuilder()
        .setPolicy("swap-test")
        .setVersion(version)
        .setExperts(experts)
        .setFeatureDimension(64)
        .setParameters(Map.of("b", biases))
        .setPublishedAtMs(publishedAt)
        .build();
  }
}
