package dev.gatestream.adaptation;

import dev.gatestream.adaptation.AvroEventDeserializer.OnMalformed;
import dev.gatestream.adaptation.events.Adopted;
import dev.gatestream.adaptation.events.FeedbackRead;
import dev.gatestream.adaptation.events.JoinInput;
import dev.gatestream.adaptation.events.LearnerInput;
import dev.gatestream.adaptation.events.MalformedRecord;
import dev.gatestream.adaptation.events.PublishedWeights;
import dev.gatestream.adaptation.events.TrainingExample;
import dev.gatestream.adaptation.events.Unjoined;
import dev.gatestream.adaptation.events.WarmStart;
import dev.gatestream.clients.ClientIds;
import dev.gatestream.clients.DeadLetter;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.RegistryClients;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.policy.learning.DecisionEvent;
import dev.gatestream.policy.learning.FeedbackEvent;
import dev.gatestream.policy.learning.ResultEvent;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The adaptation job: decisions, expert results and feedback are joined per request id into
 * training examples, a learner per policy learns from them, and versioned weights snapshots go to
 * the sink. Sources, sink and the learners' warm starts come in through the constructor, so tests
 * run the same job on in-memory data; {@link #kafka} wires Gatestream's topics.
 */
public final class AdaptationJob {

  /**
   * The metric group of the job's own metrics, beside Flink's (see the functions for what is in
   * it).
   */
  public static final String METRIC_GROUP = "gatestream";

  /**
   * Sources go idle after this long without records, so one quiet topic does not hold the
   * watermark.
   */
  static final Duration IDLE_AFTER = Duration.ofSeconds(5);

  private final AdaptationSettings settings;
  private final Source<DecisionEvent, ?, ?> decisions;
  private final Source<ResultEvent, ?, ?> results;
  private final Source<FeedbackRead, ?, ?> feedback;
  private final Source<Adopted, ?, ?> adopted;
  private final Sink<PublishedWeights> sink;
  private final Sink<MalformedRecord> deadLetters;
  private final Map<String, WarmStart> warmStarts;

  /**
   * @param feedback feedback, and the feedback records that could not be read
   * @param adopted the versions promotions, rollbacks and the canary guardrail publish, which the
   *     learners adopt
   * @param deadLetters where those go
   * @param warmStarts per policy, where its learner starts when no checkpoint holds its state
   */
  public AdaptationJob(
      AdaptationSettings settings,
      Source<DecisionEvent, ?, ?> decisions,
      Source<ResultEvent, ?, ?> results,
      Source<FeedbackRead, ?, ?> feedback,
      Source<Adopted, ?, ?> adopted,
      Sink<PublishedWeights> sink,
      Sink<MalformedRecord> deadLetters,
      Map<String, WarmStart> warmStarts) {
    this.settings = settings;
    this.decisions = decisions;
    this.results = results;
    this.feedback = feedback;
    this.adopted = adopted;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.warmStarts = Map.copyOf(warmStarts);
  }

  /**
   * The job on Gatestream's Kafka topics: reads decisions, expert results and feedback
   * (read-committed, from the group's committed offsets, else the earliest), writes the
   * routing-weights topic keyed by policy, at least once — each snapshot is visible as soon as it
   * is published, while the learners' state stays exactly once (checkpointed). Feedback records it
   * cannot read go to the dead-letter topic (at least once: flushed before each checkpoint);
   * unreadable decisions and results are only counted, since fusion dead-letters those. It also
   * follows the routing-weights topic for the versions the lifecycle publishes (promotions,
   * rollbacks, canary stops: those with evidence), which the learners adopt. Unless {@code
   * adaptation.warm.start} is off, the routing-weights topic is read first for the learners' warm
   * starts ({@link WarmStarts}).
   */
  public static AdaptationJob kafka(
      GatestreamConfig config, String bootstrapServers, String registryUrl) {
    Topics topics = Topics.from(config);
    KafkaClients clients =
        new KafkaClients(config, bootstrapServers).as(ServicePrincipal.ADAPTATION);
    RegistryClients registry = clients.registry(registryUrl);
    String name = clients.ids().adaptation();
    KafkaSink<PublishedWeights> sink =
        KafkaSink.<PublishedWeights>builder()
            .setBootstrapServers(bootstrapServers)
            .setKafkaProducerConfig(clients.producerProperties(name, Map.of()))
            .setRecordSerializer(
                new WeightsRecordSerializer(
                    topics.routingWeights().name(),
                    registry,
                    config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER)))
            // At least once, not in transactions: a snapshot is visible as soon as the learner
            // publishes it, not at the next checkpoint. A replayed snapshot after a restore is
            // harmless: the topic is compacted, routers keep the newest version, and versions stay
            // monotonic across restores (see PolicyLearnerFunction).
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
    Properties deadLetterProducer = clients.producerProperties(name + "-dead-letters", Map.of());
    KafkaSink<MalformedRecord> deadLetters =
        KafkaSink.<MalformedRecord>builder()
            .setBootstrapServers(bootstrapServers)
            .setKafkaProducerConfig(deadLetterProducer)
            .setRecordSerializer(
                new DeadLetterRecordSerializer(
                    topics.deadLetters().name(),
                    DeadLetter.maxRequestSize(deadLetterProducer),
                    Clock.systemUTC()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
    AdaptationSettings settings = AdaptationSettings.from(config);
    double resumeWeight = config.getDouble(GatestreamConfig.ADAPTATION_WARM_START_WEIGHT);
    Map<String, WarmStart> warmStarts =
        config.getBoolean(GatestreamConfig.ADAPTATION_WARM_START)
            ? WarmStarts.read(
                clients,
                topics.routingWeights().name(),
                registry,
                settings,
                resumeWeight,
                Duration.ofMillis(config.getInt(GatestreamConfig.CLIENT_TIMEOUT_MS)))
            : Map.of();
    return new AdaptationJob(
        settings,
        source(
            clients,
            name,
            topics.decisions().name(),
            new AvroEventDeserializer<>(
                registry,
                RoutingDecision.class,
                "routing decision",
                Conversions::learned,
                OnMalformed.skip(),
                DecisionEvent.class)),
        source(
            clients,
            name,
            topics.expertResults().name(),
            new AvroEventDeserializer<>(
                registry,
                ExpertResult.class,
                "expert result",
                Conversions::result,
                OnMalformed.skip(),
                ResultEvent.class)),
        source(
            clients,
            name,
            topics.feedback().name(),
            new AvroEventDeserializer<>(
                registry,
                Feedback.class,
                "feedback",
                feedback -> FeedbackRead.of(Conversions.feedback(feedback)),
                (record, reason) ->
                    Optional.of(FeedbackRead.of(MalformedRecord.of(record, reason))),
                FeedbackRead.class)),
        source(
            clients,
            name,
            topics.routingWeights().name(),
            new AvroEventDeserializer<>(
                registry,
                RoutingWeights.class,
                "routing weights",
                weights -> Conversions.adopted(weights, settings, resumeWeight),
                OnMalformed.skip(),
                Adopted.class)),
        sink,
        deadLetters,
        warmStarts);
  }

  private static <T> KafkaSource<T> source(
      KafkaClients clients, String group, String topic, AvroEventDeserializer<?, T> deserializer) {
    // Read-committed and the pass-through settings; the builder sets ids, offsets and commits
    // itself.
    return KafkaSource.<T>builder()
        .setProperties(clients.consumerProperties(null, null, Map.of()))
        .setBootstrapServers(clients.bootstrapServers())
        .setGroupId(group)
        .setClientIdPrefix(group + "-" + topic)
        .setTopics(topic)
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(deserializer)
        .build();
  }

  /**
   * Adds the job to env.
   *
   * @return the requests nothing was learned from (expired or without reward), for whoever wants
   *     them
   */
  public DataStream<Unjoined> build(StreamExecutionEnvironment env) {
    // Every type is a Flink POJO; fail at submission rather than fall back to Kryo silently.
    env.configure(new Configuration().set(PipelineOptions.GENERIC_TYPES, false));
    TypeInformation<JoinInput> joinType = TypeInformation.of(JoinInput.class);
    DataStream<JoinInput> decisionInputs =
        env.fromSource(decisions, watermarks(DecisionEvent::decidedAtMs), "decisions")
            .uid("decisions-source")
            .map(JoinInput::of, joinType)
            .name("decisions-to-join")
            .uid("decisions-to-join");
    DataStream<JoinInput> resultInputs =
        env.fromSource(results, watermarks(ResultEvent::completedAtMs), "expert-results")
            .uid("expert-results-source")
            .map(JoinInput::of, joinType)
            .name("results-to-join")
            .uid("results-to-join");
    SingleOutputStreamOperator<FeedbackEvent> readFeedback =
        env.fromSource(
                feedback,
                watermarks(read -> read.event() != null ? read.event().observedAtMs() : null),
                "feedback")
            .uid("feedback-source")
            .process(new MalformedSplit(), TypeInformation.of(FeedbackEvent.class))
            .name("malformed-feedback-split")
            .uid("malformed-feedback-split");
    readFeedback
        .getSideOutput(MalformedSplit.MALFORMED)
        .sinkTo(deadLetters)
        .name("dead-letters-sink")
        .uid("dead-letters-sink");
    DataStream<JoinInput> feedbackInputs =
        readFeedback.map(JoinInput::of, joinType).name("feedback-to-join").uid("feedback-to-join");

    SingleOutputStreamOperator<TrainingExample> examples =
        decisionInputs
            .union(resultInputs, feedbackInputs)
            .keyBy(JoinInput::requestId, Types.STRING)
            .process(
                new RequestJoinFunction(settings.joinTtlMs(), settings.lambda()),
                TypeInformation.of(TrainingExample.class))
            .name("request-join")
            .uid("request-join");

    TypeInformation<LearnerInput> learnerType = TypeInformation.of(LearnerInput.class);
    DataStream<LearnerInput> adoptedVersions =
        env.fromSource(adopted, watermarks(Adopted::publishedAtMs), "adopted-versions")
            .uid("adopted-versions-source")
            .map(LearnerInput::of, learnerType)
            .name("adopted-to-learner")
            .uid("adopted-to-learner");
    examples
        .map(LearnerInput::of, learnerType)
        .name("examples-to-learner")
        .uid("examples-to-learner")
        .union(adoptedVersions)
        .keyBy(LearnerInput::policy, Types.STRING)
        .process(
            new PolicyLearnerFunction(settings, warmStarts),
            TypeInformation.of(PublishedWeights.class))
        .name("policy-learner")
        .uid("policy-learner")
        .sinkTo(sink)
        .name("routing-weights-sink")
        .uid("routing-weights-sink");
    return examples.getSideOutput(RequestJoinFunction.UNJOINED);
  }

  /**
   * @param eventTime a record's event time; null for a record that has none (one that could not be
   *     read), which takes its Kafka timestamp
   */
  private <T> WatermarkStrategy<T> watermarks(SerializableFunction<T, Long> eventTime) {
    SerializableTimestampAssigner<T> assigner =
        (event, kafkaTimestamp) -> {
          Long time = eventTime.apply(event);
          return time != null ? time : kafkaTimestamp;
        };
    return WatermarkStrategy.<T>forBoundedOutOfOrderness(
            Duration.ofMillis(settings.outOfOrdernessMs()))
        .withTimestampAssigner(assigner)
        .withIdleness(IDLE_AFTER);
  }

  /**
   * Runs the job on a Flink cluster (the shaded {@code job} jar). Arguments: an optional
   * gatestream.properties file first (read where main runs: on the JobManager when submitted
   * through the REST API), then any number of {@code KEY=VALUE} settings, which win over the file
   * and the GATESTREAM_* environment variables; bootstrap and registry.url must be set.
   */
  public static void main(String[] args) throws Exception {
    GatestreamConfig config = configFromArguments(args, System.getenv());
    String bootstrap = config.getString(GatestreamConfig.BOOTSTRAP);
    String registry = config.getString(GatestreamConfig.REGISTRY_URL);
    if (bootstrap.isBlank() || registry.isBlank()) {
      throw new IllegalArgumentException(
          "set bootstrap and registry.url to run the adaptation job on a cluster");
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(
        config.getLong(GatestreamConfig.ADAPTATION_CHECKPOINT_INTERVAL_MS),
        CheckpointingMode.EXACTLY_ONCE);
    kafka(config, bootstrap, registry).build(env);
    env.execute(jobName(config));
  }

  /** The job's name: its consumer group's, {@code <topic.prefix>adaptation}. */
  public static String jobName(GatestreamConfig config) {
    return ClientIds.of(config).adaptation();
  }

  /** The settings of {@link #main}'s arguments: {@code [FILE] [KEY=VALUE ...]}. */
  static GatestreamConfig configFromArguments(String[] args, Map<String, String> environment) {
    Path file = null;
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      int equals = args[i].indexOf('=');
      if (equals > 0) {
        settings.put(args[i].substring(0, equals), args[i].substring(equals + 1));
      } else if (i == 0) {
        file = Path.of(args[i]);
      } else {
        throw new IllegalArgumentException(
            "expected KEY=VALUE after the settings file, got '" + args[i] + "'");
      }
    }
    return new ConfigLoader(environment).load(file, settings);
  }
}
