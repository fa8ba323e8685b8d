package dev.gatestream.streams.common;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.config.GatestreamConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage's meters, on a client that is never started (so no broker is needed). */
class StreamsStageTest {

  @TempDir Path stateDir;

  private StreamsStage stage(SimpleMeterRegistry meters) {
    return stage(meters, ThreadReplacements.defaults());
  }

  private StreamsStage stage(SimpleMeterRegistry meters, ThreadReplacements replacements) {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
    topology.addSink(
        "out", "out", Serdes.String().serializer(), Serdes.String().serializer(), "in");
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage-test");
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
    properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new StreamsStage("router", topology, properties, meters, replacements);
  }

  @Test
  void exposesItsStateAndTheClientsMetricsTaggedWithTheStage() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamsStage stage = stage(meters)) {
      assertThat(stage.state()).isEqualTo(KafkaStreams.State.CREATED);
      assertThat(meters.get(StreamsStage.STATE_GAUGE).tag("stage", "router").gauge().value())
          .isZero();
      // The consumer's fetch metrics, where the lag per partition appears once partitions are
      // assigned.
      assertThat(
              meters
                  .find("kafka.consumer.fetch.manager.records.lag.max")
                  .tag("stage", "router")
                  .meters())
          .isNotEmpty();
      assertThat(meters.getMeters())
          .filteredOn(meter -> meter.getId().getName().startsWith("kafka.stream.thread"))
          .isNotEmpty()
          .allSatisfy(meter -> assertThat(meter.getId().getTag("stage")).isEqualTo("router"));
    }
    // Closing the stage takes its meters off the registry.
    assertThat(meters.getMeters()).isEmpty();
  }

  @Test
  void failedThreadsAreReplacedUntilTooManyFailWithinTheWindowThenTheStageStopsWithTheFailure() {
    AtomicLong now = new AtomicLong(1_000_000);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    StreamThreadExceptionResponse replace = StreamThreadExceptionResponse.REPLACE_THREAD;
    try (StreamsStage stage =
        stage(meters, new ThreadReplacements(2, Duration.ofMinutes(10), now::get))) {
      assertThat(stage.onThreadFailure(new IllegalStateException("poison 1"))).isEqualTo(replace);
      now.addAndGet(Duration.ofMinutes(9).toMillis());
      assertThat(stage.onThreadFailure(new IllegalStateException("poison 2"))).isEqualTo(replace);
      assertThat(stage.failure()).isEmpty();
      assertThat(meters.get(StreamsStage.REPLACEMENTS).tag("stage", "router").counter().count())
          .isEqualTo(2);

      now.addAndGet(Duration.ofSeconds(30).toMillis());
      assertThat(stage.onThreadFailure(new IllegalStateException("poison 3")))
          .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
      assertThat(stage.failure())
          .get()
          .satisfies(
              failure -> {
                assertThat(failure)
                    .hasMessage(
                        "router: stream threads failed more than 2 times within 600s, so the"
                            + " stage stops; last failure: java.lang.IllegalStateException: poison 3");
                assertThat(failure.getCause()).hasMessage("poison 3");
              });
    }
  }

  @Test
  void replacementsOlderThanTheWindowNoLongerCount() {
    AtomicLong now = new AtomicLong(0);
    ThreadReplacements replacements = new ThreadReplacements(1, Duration.ofSeconds(60), now::get);
    assertThat(replacements.replaceAnother()).isTrue();
    now.set(59_999);
    assertThat(replacements.replaceAnother()).isFalse();
    now.set(60_000);
    assertThat(replacements.replaceAnother()).isTrue();
    assertThat(new ThreadReplacements(0, Duration.ofSeconds(60), now::get).replaceAnother())
        .isFalse();
  }

  @Test
  void theDefaultBoundComesFromTheCatalogue() {
    ThreadReplacements replacements =
        ThreadReplacements.from(
            new GatestreamConfig(
                Map.of(
                    GatestreamConfig.STREAMS_MAX_THREAD_REPLACEMENTS, "7",
                    GatestreamConfig.STREAMS_THREAD_REPLACEMENT_WINDOW_MS, "1000")));
    assertThat(replacements.max()).isEqualTo(7);
    assertThat(replacements.window()).isEqualTo(Duration.ofSeconds(1));
    assertThat(ThreadReplacements.defaults().max()).isEqualTo(5);
    assertThat(ThreadReplacements.defaults().window()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void stateCodesAreFixedWhateverTheEnumsOrder() {
    assertThat(StreamsStage.stateCode(KafkaStreams.State.CREATED)).isZero();
    assertThat(StreamsStage.stateCode(KafkaStreams.State.REBALANCING)).isEqualTo(1);
    assertThat(StreamsStage.stateCode(KafkaStreams.State.RUNNING)).isEqualTo(2);
    assertThat(StreamsStage.stateCode(KafkaStreams.State.PENDING_SHUTDOWN)).isEqualTo(3);
    assertThat(StreamsStage.stateCode(KafkaStreams.State.NOT_RUNNING)).isEqualTo(4);
    assertThat(StreamsStage.stateCode(KafkaStreams.State.PENDING_ERROR)).isEqualTo(5);
    assertThat(StreamsStage.stateCode(KafkaStreams.State.ERROR)).isEqualTo(6);
  }
}
