package dev.gatestream.it;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.contracts.ChosenExpert;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.TextAnswer;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The adaptation job's input, written straight to its topics: the decision, both expert results and
 * the feedback of a request that one policy's router sent to both experts, alpha and beta. Each
 * request is one training example, so the tests know exactly how many the job must learn.
 */
final class LearningTraffic implements AutoCloseable {

  static final List<String> EXPERTS = List.of("alpha", "beta");

  private final Topics topics;
  private final String policy;
  private final KafkaProducer<String, RoutingDecision> decisions;
  private final KafkaProducer<String, ExpertResult> results;
  private final KafkaProducer<String, Feedback> feedback;
  private final KafkaProducer<String, byte[]> raw;

  LearningTraffic(KafkaClients clients, Topics topics, RegistrySerdes serdes, String policy) {
    this.topics = topics;
    this.policy = policy;
    this.decisions = producer(clients, serdes, topics.decisions());
    this.results = producer(clients, serdes, topics.expertResults());
    this.feedback = producer(clients, serdes, topics.feedback());
    this.raw =
        clients.producer(
            TestNames.unique("traffic-raw"),
            Map.of(),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** Bytes by key, as they are, to topic; each acknowledged before this returns. */
  void raw(String topic, Map<String, byte[]> values) throws Exception {
    for (Map.Entry<String, byte[]> value : values.entrySet()) {
      raw.send(new ProducerRecord<>(topic, value.getKey(), value.getValue()))
          .get(10, TimeUnit.SECONDS);
    }
  }

  private static <V> KafkaProducer<String, V> producer(
      KafkaClients clients, RegistrySerdes serdes, TopicSpec<String, V> topic) {
    return clients.producer(
        TestNames.unique("traffic-" + topic.name()),
        Map.of(),
        serdes.keySerde(topic).serializer(),
        serdes.valueSerde(topic).serializer());
  }

  /** One request, each of its records acknowledged by the broker before this returns. */
  void request(String id, double alphaReward, double betaReward, double alphaCost)
      throws Exception {
    long now = System.currentTimeMillis();
    send(
        decisions,
        topics.decisions(),
        id,
        RoutingDecision.newBuilder()
            .setRequestId(id)
            .setPolicy(policy)
            .setPolicyVersion(0)
            .setChosen(
                EXPERTS.stream()
                    .map(
                        expert ->
                            ChosenExpert.newBuilder()
                                .setExpert(expert)
                                .setGateWeight(0.5)
                                .setPropensity(0.5)
                                .build())
                    .toList())
            .setDeadlineMs(now + 60_000)
            .setRequestCreatedAtMs(now)
            .setDecidedAtMs(now)
            .build());
    send(results, topics.expertResults(), id, result(id, "alpha", alphaCost, now));
    send(results, topics.expertResults(), id, result(id, "beta", 0.002, now));
    send(
        feedback,
        topics.feedback(),
        id,
        Feedback.newBuilder()
            .setRequestId(id)
            .setExpertRewards(Map.of("alpha", alphaReward, "beta", betaReward))
            .setObservedAtMs(now + 2)
            .build());
  }

  private static ExpertResult result(String id, String expert, double cost, long now) {
    return ExpertResult.newBuilder()
        .setRequestId(id)
        .setExpert(expert)
        .setStatus(ResultStatus.OK)
        .setOutput(TextAnswer.newBuilder().setText("answer").build())
        .setLatencyMs(1)
        .setCost(cost)
        .setCompletedAtMs(now + 1)
        .build();
  }

  private static <V> void send(
      KafkaProducer<String, V> producer, TopicSpec<String, V> topic, String key, V value)
      throws Exception {
    producer.send(new ProducerRecord<>(topic.name(), key, value)).get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    decisions.close();
    results.close();
    feedback.close();
    raw.close();
  }
}
