package dev.gatestream.streams.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage's meters, on a client that is never started (so no broker is needed). */
class StreamsStageTest {

  @TempDir
  Path stateDir;

  private StreamsStage stage(SimpleMeterRegistry meters) {
    Topology topology = new Topology();
    topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
    topology.addSink("out", "out", Serdes.String().serializer(), Serdes.String().serializer(), "in");
    Properties properties = new Properties();
    properties.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage-test");
    properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
    properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return new StreamsStage("router", topology, properties, meters);
  }

  @Test
  void exposesItsStateAndTheClientsMetricsTaggedWithTheStage() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (StreamsStage stage = stage(meters)) {
      assertThat(stage.state()).isEqualTo(KafkaStreams.State.CREATED);
      assertThat(meters.get(StreamsStage.STATE_GAUGE).tag("stage", "router").gauge().value()).isZero();
      // The consumer's fetch metrics, where the lag per partition appears once partitions are assigned.
      assertThat(meters.find("kafka.consumer.fetch.manager.records.lag.max").tag("stage", "router").meters())
          .isNotEmpty();
      assertThat(meters.getMeters()).filteredOn(meter -> meter.getId().getName().startsWith("kafka.stream.thread"))
          .isNotEmpty().allSatisfy(meter -> assertThat(meter.getId().getTag("stage")).isEqualTo("router"));
    }
    // Closing the stage takes its meters off the registry.
    assertThat(meters.getMeters()).isEmpty();
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
