package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream request}: route one request by hand and print its fused result. */
@Command(name = "request", description = {"Produce one inference request to the requests topic and wait for"
    + " its fused result (exit code 1 if none comes by the deadline plus the fusion grace)."})
final class RequestCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--id", description = "Request id (default: a random UUID).")
  String id;

  @Option(names = "--text", description = "Input text, e.g. a prompt.")
  String text;

  @Option(names = "--task", description = "Task label.")
  String task;

  @Option(names = "--features", split = ",", description = "Numeric features, comma-separated.")
  List<Float> features;

  @Option(names = "--attribute", description = "An attribute KEY=VALUE carried to the result; repeatable.")
  Map<String, String> attributes = new HashMap<>();

  @Option(names = "--budget", description = "Cost budget, USD.")
  Double budget;

  @Option(names = "--reply-to", paramLabel = "TOPIC", description = "Ask for the fused result on this topic"
      + " (which must exist) as a Kafka-native client would, and read it there instead of on fused-results.")
  String replyTo;

  @Option(names = "--deadline-ms", defaultValue = "5000", description = "Deadline from now, ms (default: ${DEFAULT-VALUE}).")
  long deadlineMs;

  @Override
  public Integer call() {
    Deployment deployment = options.deployment();
    GatestreamConfig config = deployment.config();
    Topics topics = Topics.from(config);
    String requestId = id != null ? id : UUID.randomUUID().toString();
    long now = System.currentTimeMillis();
    InferenceRequest request = InferenceRequest.newBuilder().setId(requestId).setCreatedAtMs(now).setTask(task)
        .setText(text).setFeatures(features).setAttributes(attributes).setCostBudget(budget)
        .setDeadlineMs(now + deadlineMs).setReplyTo(replyTo).build();
    PrintWriter out = spec.commandLine().getOut();

    try (RegistrySerdes serdes = new RegistrySerdes(deployment.registryUrl(),
            config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER));
         KafkaConsumer<String, FusedResult> results = resultsConsumer(deployment, serdes, topics);
         KafkaProducer<String, InferenceRequest> producer = new KafkaProducer<>(producerProps(deployment),
             new StringSerializer(), serdes.valueSerde(topics.requests()).serializer())) {
      // Position the reader at the end before sending, so the result cannot slip past it.
      String resultTopic = replyTo != null ? replyTo : topics.fusedResults().name();
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo info : results.partitionsFor(resultTopic)) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
      if (partitions.isEmpty()) {
        throw new UserError("no topic " + resultTopic + " to read the result from: create it first");
      }
      results.assign(partitions);
      results.seekToEnd(partitions);
      partitions.forEach(results::position);

      producer.send(new ProducerRecord<>(topics.requests().name(), requestId, request)).get(10, TimeUnit.SECONDS);
      out.println("sent " + request);
      out.flush();
      long giveUpAt = now + deadlineMs + config.getLong(GatestreamConfig.FUSION_GRACE_MS);
      while (System.currentTimeMillis() < giveUpAt) {
        for (ConsumerRecord<String, FusedResult> record : results.poll(Duration.ofMillis(100))) {
          if (requestId.equals(record.key())) {
            out.println("fused " + record.value());
            out.flush();
            return 0;
          }
        }
      }
      spec.commandLine().getErr().println("gatestream: no fused result for " + requestId
          + " (is the pipeline running? ./gatestream up)");
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new UserError("cannot send the request: " + e.getMessage());
    }
  }

  private static Properties producerProps(Deployment deployment) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    return props;
  }

  private static KafkaConsumer<String, FusedResult> resultsConsumer(Deployment deployment, RegistrySerdes serdes,
      Topics topics) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, deployment.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(props, new StringDeserializer(), serdes.valueSerde(topics.fusedResults()).deserializer());
  }
}
