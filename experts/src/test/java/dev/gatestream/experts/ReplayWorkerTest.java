package dev.gatestream.experts;

import static dev.gatestream.experts.TestTasks.farFuture;
import static dev.gatestream.experts.TestTasks.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** A replay expert's worker end to end, on the committed slice of a real routing log. */
class ReplayWorkerTest {

  private static final String GPT4 = "gpt-4-1106-preview";

  @Test
  void answersEachTaskWithTheLoggedQuality() throws Exception {
    Topics topics = new Topics("gatestream-", 1, (short) 1);
    GatestreamSerdes serdes = GatestreamSerdes.inMemory();
    String taskTopic = topics.expertTasks(GPT4).name();
    Serializer<ExpertTask> tasks = serdes.valueSerde(topics.expertTasks(GPT4)).serializer();
    Deserializer<ExpertResult> results = serdes.valueSerde(topics.expertResults()).deserializer();
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    Path log =
        Path.of(
            Objects.requireNonNull(
                    getClass().getClassLoader().getResource("routing/routellm-gsm8k-60.csv"))
                .toURI());
    ExpertSpec spec = ExpertSpec.replayDefaults(GPT4, List.of(log));
    ExpertBackend backend = new ExpertBackends().create(spec);
    TopicPartition partition = new TopicPartition(taskTopic, 0);

    try (ExpertWorker worker =
        new ExpertWorker(
            "replay-1",
            consumer,
            producer,
            1024 * 1024,
            topics,
            serdes,
            spec,
            backend,
            new SimpleMeterRegistry())) {
      worker.subscribe();
      consumer.rebalance(List.of(partition));
      consumer.updateBeginningOffsets(Map.of(partition, 0L));
      List<String> ids = List.of("gsm8k.4", "gsm8k.5", "gsm8k.8", "not-logged");
      for (int i = 0; i < ids.size(); i++) {
        consumer.addRecord(
            new ConsumerRecord<>(
                taskTopic,
                0,
                i,
                ids.get(i).getBytes(StandardCharsets.UTF_8),
                tasks.serialize(taskTopic, task(ids.get(i), GPT4, farFuture()))));
      }
      long deadline = System.currentTimeMillis() + 10_000;
      while (producer.history().size() < ids.size() && System.currentTimeMillis() < deadline) {
        worker.pollOnce();
      }
    }

    Map<String, ExpertResult> byId = new HashMap<>();
    producer
        .history()
        .forEach(
            r ->
                byId.put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    results.deserialize(r.topic(), r.value())));
    assertThat(byId.get("gsm8k.4").getOutput()).isEqualTo(new Score(1.0));
    assertThat(byId.get("gsm8k.5").getOutput()).isEqualTo(new Score(0.0));
    assertThat(byId.get("gsm8k.8").getOutput()).isEqualTo(new Score(0.0));
    assertThat(byId.get("not-logged").getStatus()).isEqualTo(ResultStatus.ERROR);
    assertThat(byId.get("not-logged").getErrorMessage())
        .isEqualTo("request not-logged is not in the replay log");
    assertThat(consumer.closed()).isTrue();
  }

  /** A backend that answers nothing and notes that it was closed. */
  private static final class Closable implements ExpertBackend {
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) {
      return List.of();
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void createsItsOwnClientsFromTheFactoryAndClosesItsBackend() {
    GatestreamConfig config = new GatestreamConfig(Map.of());
    KafkaClients kafka = new KafkaClients(config, "127.0.0.1:9");
    ExpertSpec spec = ExpertSpec.replayDefaults(GPT4, List.of(Path.of("unused.csv")));
    Closable backend = new Closable();

    ExpertWorker worker =
        ExpertWorker.create(
            kafka, config, GatestreamSerdes.inMemory(), spec, backend, new SimpleMeterRegistry());

    assertThat(worker.spec()).isEqualTo(spec);
    assertThat(backend.closed).isFalse();
    worker.close();
    assertThat(backend.closed).isTrue();
  }

  @Test
  void aWorkerThatCannotBeMadeClosesTheBackendItWasGiven() {
    GatestreamConfig config = new GatestreamConfig(Map.of());
    KafkaClients kafka = new KafkaClients(config, "no-port-here");
    ExpertSpec spec = ExpertSpec.replayDefaults(GPT4, List.of(Path.of("unused.csv")));
    Closable backend = new Closable();

    assertThatThrownBy(
            () ->
                ExpertWorker.create(
                    kafka,
                    config,
                    GatestreamSerdes.inMemory(),
                    spec,
                    backend,
                    new SimpleMeterRegistry()))
        .isInstanceOf(KafkaException.class);
    assertThat(backend.closed).isTrue();
  }
}
