package dev.gatestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.Provisioning;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.experts.replay.SyntheticRoutingLog;
import dev.gatestream.it.harness.Await;
import dev.gatestream.it.harness.SecuredTestStack;
import dev.gatestream.it.harness.TestNames;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.stack.StackSettings;
import dev.gatestream.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The secured local stack end to end: SASL_SSL broker with the standard authorizer and an https
 * registry, every stage as its own principal with the ACLs of the access matrix, provisioned the
 * way 'stack up --secure' does it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecureStackIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int REQUESTS = 20;

  @TempDir static Path workDir;

  private SecuredTestStack stack;
  private Deployment deployment;
  private GatestreamConfig config;
  private Topics topics;
  private List<String> experts;
  private Pipeline pipeline;
  private RegistrySerdes serdes;

  @BeforeAll
  void startSecuredStackAndPipeline() throws Exception {
    stack = SecuredTestStack.start();
    experts = List.of("org0/model-0.5b", "org1/model-1.5b");
    Path log = workDir.resolve("replay.csv");
    SyntheticRoutingLog.write(log, experts, REQUESTS, "r", 7);
    StackSettings settings = stack.localStack().settings();
    Map<String, String> values = new HashMap<>();
    values.put(GatestreamConfig.STACK_DIR, settings.dataDir().toString());
    values.put(GatestreamConfig.STACK_HOST, settings.host());
    values.put(GatestreamConfig.STACK_BROKER_PORT, Integer.toString(settings.brokerPort()));
    values.put(GatestreamConfig.STACK_CONTROLLER_PORT, Integer.toString(settings.controllerPort()));
    values.put(GatestreamConfig.STACK_REGISTRY_PORT, Integer.toString(settings.registryPort()));
    values.put(GatestreamConfig.STACK_SECURE, "true");
    values.put(GatestreamConfig.TOPIC_PREFIX, TestNames.unique("secure") + "-");
    values.put(GatestreamConfig.TOPIC_PARTITIONS, "2");
    values.put(GatestreamConfig.EXPERTS, String.join(",", experts));
    values.put(GatestreamConfig.EXPERTS_REPLAY_LOG, log.toString());
    values.put(GatestreamConfig.STREAMS_STATE_DIR, workDir.resolve("state").toString());
    values.put(GatestreamConfig.ROUTER_FEATURES, "hashed");
    values.put(GatestreamConfig.ROUTER_FEATURE_DIMENSION, "32");
    values.put(GatestreamConfig.ROUTER_GATE, "softmax-top-k");
    values.put(GatestreamConfig.ROUTER_GATE_K, "2");
    deployment = new Deployment(new ConfigLoader(Map.of()).load(null, values), workDir);
    config = deployment.config();
    topics = Topics.from(config);

    // What 'stack up --secure' does on a running stack: principals, ACLs, settings files; then
    // 'topics apply' as the clients principal, over the https registry.
    Provisioning provisioning = new Provisioning(deployment, workDir);
    provisioning.startStack();
    provisioning.applyTopics(experts);
    serdes = deployment.registry().serdes(true);
    pipeline =
        Pipeline.start(
            config,
            deployment.bootstrapServers(),
            deployment.registryUrl(),
            ExpertCatalog.load(config, workDir),
            EnumSet.of(Stage.ROUTER, Stage.EXPERTS, Stage.FUSION),
            workDir);
  }

  @AfterAll
  void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (serdes != null) {
      serdes.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void everyRequestIsFusedWithEachStageAsItsOwnPrincipal() throws Exception {
    assertThat(deployment.registryUrl()).startsWith("https://");
    List<String> files;
    try (var listing = Files.list(credentials())) {
      files = listing.map(p -> p.getFileName().toString()).toList();
    }
    assertThat(files)
        .contains(
            "router.properties",
            "fusion.properties",
            ServicePrincipal.expert(experts.get(0)).fileName(),
            ServicePrincipal.expert(experts.get(1)).fileName(),
            "adaptation.properties",
            "gateway.properties",
            "clients.properties");
    KafkaClients clients = deployment.clients();
    long now = System.currentTimeMillis();
    try (KafkaProducer<String, InferenceRequest> producer =
        clients.producer(
            clients.ids().job("request", "secure-it"),
            Map.of(),
            new StringSerializer(),
            serdes.valueSerde(topics.requests()).serializer())) {
      for (int i = 0; i < REQUESTS; i++) {
        producer.send(
            new ProducerRecord<>(
                topics.requests().name(),
                "r" + i,
                InferenceRequest.newBuilder()
                    .setId("r" + i)
                    .setCreatedAtMs(now)
                    .setTask("task-" + i % 3)
                    .setText("question " + i)
                    .setDeadlineMs(now + TIMEOUT.toMillis())
                    .build()));
      }
      producer.flush();
    }

    Set<String> fused = new HashSet<>();
    try (KafkaConsumer<String, FusedResult> results =
        clients.consumer(
            clients.ids().job("read", "secure-it"),
            null,
            Map.of(),
            new StringDeserializer(),
            serdes.valueSerde(topics.fusedResults()).deserializer())) {
      List<TopicPartition> partitions =
          results.partitionsFor(topics.fusedResults().name(), TIMEOUT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      results.assign(partitions);
      results.seekToBeginning(partitions);
      Await.untilTrue(
          REQUESTS + " fused results",
          TIMEOUT.multipliedBy(2),
          () -> {
            for (ConsumerRecord<String, FusedResult> record :
                results.poll(Duration.ofMillis(200))) {
              fused.add(record.value().getRequestId().toString());
            }
            return fused.size() >= REQUESTS;
          });
    }
    assertThat(fused).hasSize(REQUESTS);
  }

  @Test
  void aClientWithoutCredentialsIsRefused() {
    // no settings file: no TLS, no login
    Map<String, Object> plain = new HashMap<>(config.originals());
    plain.put(GatestreamConfig.CLIENT_CREDENTIALS_DIR, "");
    plain.put(GatestreamConfig.CLIENT_TIMEOUT_MS, "5000");
    KafkaClients anonymous =
        new KafkaClients(new GatestreamConfig(plain), deployment.bootstrapServers());
    try (Admin admin = anonymous.admin("anonymous")) {
      assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
          .isInstanceOf(ExecutionException.class);
    }

    Map<String, Object> wrongPassword = new HashMap<>(config.originals());
    wrongPassword.put(GatestreamConfig.CLIENT_TIMEOUT_MS, "5000");
    wrongPassword.put(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\""
            + config.getString(GatestreamConfig.TOPIC_PREFIX)
            + "clients\""
            + " password=\"not-the-password\";");
    // the file would win over the settings: the clients' TLS settings without their login
    copyWithoutLogin(wrongPassword);
    KafkaClients impostor =
        new KafkaClients(new GatestreamConfig(wrongPassword), deployment.bootstrapServers());
    try (Admin admin = impostor.admin("impostor")) {
      assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void anExpertCannotReadAnotherExpertsTasksNorWriteRoutingWeights() {
    KafkaClients expert0 = deployment.clients().as(ServicePrincipal.expert(experts.get(0)));
    try (KafkaConsumer<byte[], byte[]> consumer =
        expert0.consumer(
            "expert0-snooping",
            null,
            Map.of(),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topics.expertTasks(experts.get(1)).name(), 0)));
      consumer.seekToBeginning(consumer.assignment());
      TopicAuthorizationException refused =
          Await.until(
              "a refusal to read " + topics.expertTasks(experts.get(1)).name(),
              TIMEOUT,
              () -> {
                try {
                  consumer.poll(Duration.ofMillis(200));
                  return Optional.empty();
                } catch (TopicAuthorizationException e) {
                  return Optional.of(e);
                }
              });
      assertThat(refused.unauthorizedTopics())
          .containsExactly(topics.expertTasks(experts.get(1)).name());
    }
    assertWriteRefused(expert0, topics.routingWeights().name());
  }

  @Test
  void aClientCannotWriteExpertResults() {
    assertWriteRefused(deployment.clients(), topics.expertResults().name());
  }

  private void assertWriteRefused(KafkaClients clients, String topic) {
    try (KafkaProducer<byte[], byte[]> producer =
        clients.producer(
            "forger", Map.of(), new ByteArraySerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(
              () ->
                  producer.send(new ProducerRecord<>(topic, new byte[] {1}, new byte[] {2})).get())
          .as("writing %s", topic)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  private Path credentials() {
    return Path.of(config.getString(GatestreamConfig.CLIENT_CREDENTIALS_DIR));
  }

  /** The clients' TLS settings without their SCRAM login, as a credentials dir of its own. */
  private void copyWithoutLogin(Map<String, Object> into) {
    try {
      Path dir = workDir.resolve("impostor");
      Files.createDirectories(dir);
      List<String> lines =
          Files.readAllLines(credentials().resolve("clients.properties")).stream()
              .filter(line -> !line.startsWith("kafka.sasl.jaas.config"))
              .toList();
      Files.write(dir.resolve("clients.properties"), lines);
      into.put(GatestreamConfig.CLIENT_CREDENTIALS_DIR, dir.toString());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
