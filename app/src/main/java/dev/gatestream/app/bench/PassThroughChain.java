package dev.gatestream.app.bench;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.Completeness;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.streams.common.StreamsStage;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.ValueMapper;

/**
 * The bench's baseline: the same three hops as the pipeline (requests → tasks → results → fused
 * results), the same serdes, partitions and exactly-once settings, but each hop only converts one
 * record into the next: no routing, no fan-out, no join. What the pipeline adds over this is the
 * cost of Gatestream's own work.
 */
final class PassThroughChain implements AutoCloseable {

  static final List<String> STAGES = List.of("pass-router", "pass-expert", "pass-fusion");

  private final List<StreamsStage> stages = new ArrayList<>();

  PassThroughChain(
      GatestreamConfig config,
      Topics topics,
      String expert,
      GatestreamSerdes serdes,
      String bootstrapServers,
      Path stateDir) {
    String prefix = config.getString(GatestreamConfig.TOPIC_PREFIX);
    TopicSpec<String, ExpertTask> tasks = topics.expertTasks(expert);
    add(
        STAGES.get(0),
        hop(
            topics.requests(),
            tasks,
            serdes,
            request ->
                ExpertTask.newBuilder()
                    .setRequestId(request.getId())
                    .setExpert(expert)
                    .setRequest(request)
                    .setGateWeight(1.0)
                    .setPolicyVersion(0)
                    .setIssuedAtMs(System.currentTimeMillis())
                    .build()),
        config,
        bootstrapServers,
        prefix,
        stateDir);
    add(
        STAGES.get(1),
        hop(
            tasks,
            topics.expertResults(),
            serdes,
            task ->
                ExpertResult.newBuilder()
                    .setRequestId(task.getRequestId())
                    .setExpert(expert)
                    .setStatus(ResultStatus.OK)
                    .setOutput(new Score(1.0))
                    .setLatencyMs(0)
                    // carries the request's creation time on, for the latency of the last hop
                    .setCompletedAtMs(task.getRequest().getCreatedAtMs())
                    .build()),
        config,
        bootstrapServers,
        prefix,
        stateDir);
    add(
        STAGES.get(2),
        hop(
            topics.expertResults(),
            topics.fusedResults(),
            serdes,
            result -> {
              long now = System.currentTimeMillis();
              return FusedResult.newBuilder()
                  .setRequestId(result.getRequestId())
                  .setOutput(result.getOutput())
                  .setStrategy("pass-through")
                  .setContributors(List.of(expert))
                  .setCompleteness(Completeness.COMPLETE)
                  .setLatencyMs(now - result.getCompletedAtMs())
                  .setEmittedAtMs(now)
                  .build();
            }),
        config,
        bootstrapServers,
        prefix,
        stateDir);
  }

  private void add(
      String name,
      Topology topology,
      GatestreamConfig config,
      String bootstrapServers,
      String prefix,
      Path stateDir) {
    StreamsStage stage =
        new StreamsStage(
            name,
            topology,
            new KafkaClients(config, bootstrapServers).streamsProperties(prefix + name, stateDir));
    stages.add(stage);
    stage.start(Duration.ofSeconds(60));
  }

  private static <A, B> Topology hop(
      TopicSpec<String, A> from,
      TopicSpec<String, B> to,
      GatestreamSerdes serdes,
      ValueMapper<A, B> convert) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(from.name(), Consumed.with(Serdes.String(), serdes.valueSerde(from)))
        .mapValues(convert, Named.as("convert"))
        .to(to.name(), Produced.with(Serdes.String(), serdes.valueSerde(to)));
    return builder.build();
  }

  @Override
  public void close() {
    stages.forEach(StreamsStage::close);
  }
}
