package dev.gatestream.clients;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The one place Kafka clients are configured: every producer, consumer, admin client and Kafka
 * Streams instance of Gatestream, and the Flink job's Kafka source and sink, take their settings
 * from here.
 *
 * <p>Settings are layered, later wins: Gatestream's defaults for the kind of client, the caller's
 * tuning, the {@code kafka.*} pass-through (security, timeouts, ...), the pass-through for the kind
 * of client ({@code kafka.producer.*}, {@code kafka.consumer.*}, {@code kafka.admin.*}, {@code
 * kafka.streams.*}), and last what identifies the client (bootstrap servers, client, group and
 * transactional ids).
 */
public final class KafkaClients {

  /** A kind of client and the narrowing prefix of its pass-through settings. */
  public enum Kind {
    PRODUCER("producer."),
    CONSUMER("consumer."),
    ADMIN("admin."),
    STREAMS("streams.");

    private final String prefix;

    Kind(String suffix) {
      this.prefix = GatestreamConfig.KAFKA_PREFIX + suffix;
    }

    /**
     * The prefix of the settings that reach only this kind of client, e.g. {@code kafka.producer.}.
     */
    public String prefix() {
      return prefix;
    }
  }

  private final GatestreamConfig base;
  private final GatestreamConfig config;
  private final String bootstrapServers;
  private final ClientIds ids;

  /**
   * Clients of commands and jobs: with {@code client.credentials.dir} set, they act as {@link
   * ServicePrincipal#CLIENTS}.
   */
  public KafkaClients(GatestreamConfig config, String bootstrapServers) {
    this(config, bootstrapServers, ServicePrincipal.CLIENTS);
  }

  private KafkaClients(GatestreamConfig base, String bootstrapServers, ServicePrincipal principal) {
    this.base = base;
    this.config = ServiceCredentials.apply(base, principal);
    this.bootstrapServers = bootstrapServers;
    this.ids = ClientIds.of(config);
  }

  /**
   * The clients of one service: with {@code client.credentials.dir} set, its settings file is laid
   * over the configuration, so that they authenticate as that service's principal.
   */
  public KafkaClients as(ServicePrincipal principal) {
    return new KafkaClients(base, bootstrapServers, principal);
  }

  /** The configuration these clients are made from, the service's credentials included. */
  public GatestreamConfig config() {
    return config;
  }

  /** The registry clients of the same service, with its {@code registry.*} settings. */
  public RegistryClients registry(String registryUrl) {
    return RegistryClients.of(config, registryUrl);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public ClientIds ids() {
    return ids;
  }

  /**
   * An idempotent producer ({@code acks=all}): a retried batch is written once.
   *
   * @param tuning the caller's settings, e.g. {@code linger.ms}; the pass-through wins over them
   */
  public Properties producerProperties(String clientId, Map<String, ?> tuning) {
    Properties props = new Properties();
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, clientTimeoutMs());
    return layered(props, tuning, Kind.PRODUCER, clientId);
  }

  /**
   * A transactional producer: what it writes becomes visible to read-committed readers on commit.
   */
  public Properties transactionalProducerProperties(
      String clientId, String transactionalId, Map<String, ?> tuning) {
    Properties props = producerProperties(clientId, tuning);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return props;
  }

  /**
   * A read-committed consumer that commits only when told to and starts at the earliest offset.
   *
   * @param groupId its consumer group, or null for a consumer that assigns partitions itself
   */
  public Properties consumerProperties(String clientId, String groupId, Map<String, ?> tuning) {
    Properties props = new Properties();
    // Every Gatestream stage writes in transactions: see only what they committed.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, clientTimeoutMs());
    if (groupId != null) {
      props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionTimeoutMs());
    }
    Properties layered = layered(props, tuning, Kind.CONSUMER, clientId);
    if (groupId != null) {
      layered.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    }
    return layered;
  }

  public Properties adminProperties(String clientId) {
    Properties props = new Properties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, clientTimeoutMs());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, clientTimeoutMs());
    return layered(props, Map.of(), Kind.ADMIN, clientId);
  }

  /**
   * A Kafka Streams stage: exactly-once (or at-least-once with idempotent producers in the
   * low-latency {@code pipeline.profile}), the latency knobs every stage shares, and exception
   * handlers that dead-letter what cannot be read or written instead of stopping on it (with the
   * stage's own {@link WriteFailures}).
   *
   * @param applicationId also the stage's consumer group and the prefix of its internal topics
   * @param stateDir where the stage keeps its local state
   */
  public Properties streamsProperties(String applicationId, Path stateDir) {
    Properties props = new Properties();
    boolean lowLatency = "low-latency".equals(config.getString(GatestreamConfig.PIPELINE_PROFILE));
    props.put(
        StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
        lowLatency ? StreamsConfig.AT_LEAST_ONCE : StreamsConfig.EXACTLY_ONCE_V2);
    // At least once, a retried batch must still be written once: only a crash may repeat output.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
    props.put(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG,
        config.getLong(GatestreamConfig.STREAMS_COMMIT_INTERVAL_MS));
    props.put(
        StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt(GatestreamConfig.STREAMS_THREADS));
    // Changelogs and repartition topics as safe as the catalogue's: with one broker down a stage
    // still writes its state.
    short replication = config.getShort(GatestreamConfig.TOPIC_REPLICATION);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replication);
    props.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        String.valueOf(Topics.minInsyncReplicas(replication)));
    // Records flow on as soon as they are processed; batching is bounded by the commit interval
    // anyway.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
    // A killed instance's partitions and open transactions hold up the others this long at most.
    props.put(
        StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
        sessionTimeoutMs());
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        config.getInt(GatestreamConfig.STREAMS_TRANSACTION_TIMEOUT_MS));
    // Stores are written several times per request; the cache folds those into one changelog write
    // per
    // commit. Processors forward explicitly, so the cache delays no output.
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
    // No stage needs records of different input topics in timestamp order: never wait for one to
    // fill.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
    // No single record may stop a stage: what cannot be read or written goes to the dead letters.
    props.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
        Topics.from(config).deadLetters().name());
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterProductionHandler.class.getName());
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class.getName());
    Properties layered = layered(props, Map.of(), Kind.STREAMS, null);
    layered.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    layered.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // Kafka Streams appends each stream thread's index.
    layered.putAll(staticMembership(StreamsConfig.mainConsumerPrefix(""), null));
    layered.put(WriteFailures.CONFIG, new WriteFailures());
    return layered;
  }

  /**
   * The {@code group.instance.id} setting of one group member of this process, from {@link
   * GatestreamConfig#CLIENT_INSTANCE_ID}: a member restarted with the same id takes its partitions
   * back without a rebalance. Empty when no instance id is configured (dynamic membership).
   *
   * @param member tells apart the members of one group in this process (e.g. a worker's index), or
   *     null when there is one
   */
  public Map<String, String> staticMembership(String member) {
    return staticMembership("", member);
  }

  private Map<String, String> staticMembership(String keyPrefix, String member) {
    String instance = config.getString(GatestreamConfig.CLIENT_INSTANCE_ID);
    if (instance.isBlank()) {
      return Map.of();
    }
    return Map.of(
        keyPrefix + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
        member == null ? instance : instance + "-" + member);
  }

  public <K, V> KafkaProducer<K, V> producer(
      String clientId, Map<String, ?> tuning, Serializer<K> keys, Serializer<V> values) {
    return new KafkaProducer<>(producerProperties(clientId, tuning), keys, values);
  }

  public <K, V> KafkaConsumer<K, V> consumer(
      String clientId,
      String groupId,
      Map<String, ?> tuning,
      Deserializer<K> keys,
      Deserializer<V> values) {
    return new KafkaConsumer<>(consumerProperties(clientId, groupId, tuning), keys, values);
  }

  public Admin admin(String clientId) {
    return Admin.create(adminProperties(clientId));
  }

  private Properties layered(
      Properties defaults, Map<String, ?> tuning, Kind kind, String clientId) {
    Properties props = new Properties();
    props.putAll(defaults);
    props.putAll(tuning);
    config
        .passThrough(GatestreamConfig.KAFKA_PREFIX)
        .forEach(
            (key, value) -> {
              if (!isNarrowed(key)) {
                props.put(key, value);
              }
            });
    props.putAll(config.passThrough(kind.prefix()));
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    if (clientId != null) {
      props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    }
    return props;
  }

  /**
   * Whether a key under {@code kafka.} belongs to one kind of client ({@code producer.linger.ms}).
   */
  private static boolean isNarrowed(String key) {
    for (Kind kind : Kind.values()) {
      if ((GatestreamConfig.KAFKA_PREFIX + key).startsWith(kind.prefix())) {
        return true;
      }
    }
    return false;
  }

  private int sessionTimeoutMs() {
    return config.getInt(GatestreamConfig.CLIENT_SESSION_TIMEOUT_MS);
  }

  private int clientTimeoutMs() {
    return config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS);
  }
}
