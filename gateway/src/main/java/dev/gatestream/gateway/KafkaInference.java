package dev.gatestream.gateway;

import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.gateway.client.AsyncRequestReplyClient;
import dev.gatestream.gateway.client.ReplyRoute;
import dev.gatestream.gateway.client.RequestReplyClient;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's Kafka side: this instance's reply topic, made at start (and deleted at close when
 * the instance id was random, so never reused), and a request/reply client that sends to the
 * requests topic and reads the replies there. Each instance reads only its own reply topic, from
 * its end, since earlier replies belong to callers that are gone: instances share no correlation
 * state.
 */
final class KafkaInference implements Inference, AutoCloseable {

  /**
   * Fusion emits at the deadline; this leaves time for its commit and the hop to the reply topic.
   */
  static final Duration REPLY_MARGIN = Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(KafkaInference.class);

  private final KafkaClients clients;
  private final String clientId;
  private final String replyTopic;
  private final boolean ownsReplyTopic;
  private final Duration timeout;
  private final Supplier<Optional<String>> pipeline;
  private RegistrySerdes serdes;
  private AsyncRequestReplyClient client;

  private KafkaInference(
      KafkaClients clients,
      String instanceId,
      String replyTopic,
      boolean ownsReplyTopic,
      Duration timeout,
      Supplier<Optional<String>> pipeline) {
    this.clients = clients;
    this.pipeline = pipeline;
    this.clientId = clients.ids().gateway(instanceId);
    this.replyTopic = replyTopic;
    this.ownsReplyTopic = ownsReplyTopic;
    this.timeout = timeout;
  }

  /**
   * Makes the reply topic and starts reading it; returns once a request sent can be answered.
   *
   * @param ownsReplyTopic delete the reply topic at close
   * @param pipeline what is wrong with the stages behind the gateway, when it knows (embedded in
   *     the process that runs them); empty when they are well
   */
  static KafkaInference open(
      GatestreamConfig config,
      KafkaClients clients,
      String registryUrl,
      String instanceId,
      boolean ownsReplyTopic,
      Clock clock,
      Supplier<Optional<String>> pipeline) {
    Topics topics = Topics.from(config);
    KafkaInference inference =
        new KafkaInference(
            clients,
            instanceId,
            topics.replies(instanceId).name(),
            ownsReplyTopic,
            Duration.ofMillis(config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS)),
            pipeline);
    try {
      inference.connect(config, topics, registryUrl, instanceId, clock);
      return inference;
    } catch (RuntimeException e) {
      inference.close();
      throw e;
    }
  }

  private void connect(
      GatestreamConfig config, Topics topics, String registryUrl, String instanceId, Clock clock) {
    try (Admin admin = clients.admin(clientId + "-admin")) {
      for (TopicApplier.Report report :
          new TopicApplier(admin, timeout).apply(List.of(topics.replies(instanceId)))) {
        if (report.outcome() == TopicApplier.Outcome.DRIFTED) {
          LOG.warn("reply topic {} differs from the catalogue: {}", report.topic(), report.drift());
        }
      }
    }
    serdes =
        clients
            .registry(registryUrl)
            .serdes(config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER));
    RequestReplyClient.Settings settings =
        new RequestReplyClient.Settings(
            clientId,
            ReplyRoute.to(replyTopic).withDeadLetters(),
            config.getInt(GatestreamConfig.GATEWAY_MAX_CONCURRENT),
            REPLY_MARGIN,
            Map.of(ProducerConfig.LINGER_MS_CONFIG, 1),
            Map.of());
    client = AsyncRequestReplyClient.open(clients, serdes, topics, settings, clock, instanceId);
  }

  String replyTopic() {
    return replyTopic;
  }

  @Override
  public CompletableFuture<FusedResult> infer(InferenceRequest.Builder request, long deadlineMs) {
    return client.request(request, deadlineMs).result();
  }

  @Override
  public Optional<String> problem() {
    Optional<String> own = client.problem();
    return own.isPresent() ? own : pipeline.get().map(stage -> "pipeline: " + stage);
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
    if (serdes != null) {
      serdes.close();
    }
    if (ownsReplyTopic) {
      deleteReplyTopic();
    }
  }

  /** A random instance id is never reused, so its reply topic would only be left behind. */
  private void deleteReplyTopic() {
    try (Admin admin = clients.admin(clientId + "-admin")) {
      admin.deleteTopics(List.of(replyTopic)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      LOG.warn("cannot delete reply topic {}: {}", replyTopic, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
