package dev.gatestream.app.bench;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.streams.common.StreamsStage;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The bench's physical baseline: Kafka Streams copying bytes along the pipeline's three hops
 * (requests → tasks → results → fused results), with byte-array serdes and the same delivery
 * guarantee, partitions and stage settings as the pipeline. Nothing is deserialized: what it costs
 * is Kafka's and Kafka Streams' own.
 */
final class RawStreamsChain implements AutoCloseable {

  static final List<String> STAGES = List.of("raw-router", "raw-expert", "raw-fusion");

  private final List<StreamsStage> stages = new ArrayList<>();

  RawStreamsChain(
      GatestreamConfig config,
      Topics topics,
      String expert,
      String bootstrapServers,
      Path stateDir) {
    List<String> hops =
        List.of(
            topics.requests().name(),
            topics.expertTasks(expert).name(),
            topics.expertResults().name(),
            topics.fusedResults().name());
    String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
    KafkaClients clients = new KafkaClients(config, bootstrapServers);
    try {
      for (int i = 0; i < STAGES.size(); i++) {
        StreamsStage stage =
            new StreamsStage(
                STAGES.get(i),
                copy(hops.get(i), hops.get(i + 1)),
                clients.streamsProperties(prefix + STAGES.get(i), stateDir));
        stages.add(stage);
        stage.start(Duration.ofSeconds(60));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static Topology copy(String from, String to) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(from, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(to, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    return builder.build();
  }

  @Override
  public void close() {
    stages.forEach(StreamsStage::close);
  }
}
