package dev.gatestream.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Every Gatestream setting, declared once with its type, default and doc. Values are layered by
 * {@link ConfigLoader}: CLI flags over environment ({@code GATESTREAM_*}) over the properties file.
 * The README's settings reference is rendered from this catalogue by {@link ConfigDocs}.
 */
public final class GatestreamConfig extends AbstractConfig {

  public static final String BOOTSTRAP = "bootstrap";
  public static final String REGISTRY_URL = "registry.url";
  public static final String REGISTRY_AUTO_REGISTER = "registry.auto.register";
  public static final String REGISTRY_COMPATIBILITY = "registry.compatibility";
  public static final String REGISTRY_TRUSTSTORE_LOCATION = "registry.ssl.truststore.location";
  public static final String REGISTRY_TRUSTSTORE_PASSWORD = "registry.ssl.truststore.password";
  public static final String REGISTRY_TRUSTSTORE_TYPE = "registry.ssl.truststore.type";
  public static final String REGISTRY_USERNAME = "registry.username";
  public static final String REGISTRY_PASSWORD = "registry.password";
  public static final String CLIENT_CREDENTIALS_DIR = "client.credentials.dir";
  public static final String TOPIC_PREFIX = "topic.prefix";
  public static final String TOPIC_PARTITIONS = "topic.partitions";
  public static final String TOPIC_REPLICATION = "topic.replication";
  public static final String EXPERTS = "experts";
  public static final String STACK_DIR = "stack.dir";
  public static final String STACK_HOST = "stack.host";
  public static final String STACK_BROKER_PORT = "stack.broker.port";
  public static final String STACK_CONTROLLER_PORT = "stack.controller.port";
  public static final String STACK_REGISTRY_PORT = "stack.registry.port";
  public static final String STACK_BROKER_HEAP_MB = "stack.broker.heap.mb";
  public static final String STACK_REGISTRY_HEAP_MB = "stack.registry.heap.mb";
  public static final String STACK_START_TIMEOUT_MS = "stack.start.timeout.ms";
  public static final String STACK_SECURE = "stack.secure";
  public static final String STACK_BROKERS = "stack.brokers";
  public static final String CLIENT_TIMEOUT_MS = "client.timeout.ms";
  public static final String CLIENT_INSTANCE_ID = "client.instance.id";
  public static final String CLIENT_SESSION_TIMEOUT_MS = "client.session.timeout.ms";
  public static final String EXPERTS_FILE = "experts.file";
  public static final String EXPERTS_REPLAY_LOG = "experts.replay.log";
  public static final String EXPERTS_PRICES = "experts.prices";
  public static final String EXPERT_INSTANCES = "expert.instances";
  public static final String EXPERT_RESTART_MAX = "expert.restart.max";
  public static final String EXPERT_RESTART_WINDOW_MS = "expert.restart.window.ms";
  public static final String EXPERT_RESTART_BACKOFF_MS = "expert.restart.backoff.ms";
  public static final String EXPERT_RESTART_BACKOFF_MAX_MS = "expert.restart.backoff.max.ms";
  public static final String STREAMS_TRANSACTION_TIMEOUT_MS = "streams.transaction.timeout.ms";
  public static final String STREAMS_STATE_DIR = "streams.state.dir";
  public static final String STREAMS_THREADS = "streams.threads";
  public static final String STREAMS_COMMIT_INTERVAL_MS = "streams.commit.interval.ms";
  public static final String PIPELINE_PROFILE = "pipeline.profile";
  public static final String STREAMS_MAX_THREAD_REPLACEMENTS = "streams.max.thread.replacements";
  public static final String STREAMS_THREAD_REPLACEMENT_WINDOW_MS =
      "streams.thread.replacement.window.ms";
  public static final String ROUTER_POLICY = "router.policy";
  public static final String ROUTER_GATE = "router.gate";
  public static final String ROUTER_GATE_K = "router.gate.k";
  public static final String ROUTER_GATE_P = "router.gate.p";
  public static final String ROUTER_GATE_MAX_K = "router.gate.max.k";
  public static final String ROUTER_GATE_SHARED_EXPERTS = "router.gate.shared.experts";
  public static final String ROUTER_GATE_PROMOTED_EXPERTS = "router.gate.promoted.experts";
  public static final String ROUTER_GATE_THRESHOLD = "router.gate.threshold";
  public static final String ROUTER_GATE_LAMBDA = "router.gate.lambda";
  public static final String ROUTER_GATE_OPTIMISM = "router.gate.optimism";
  public static final String ROUTER_GATE_NEIGHBOURS = "router.gate.neighbours";
  public static final String ROUTER_SPEND_TARGET = "router.spend.target";
  public static final String ROUTER_SPEND_STEP = "router.spend.step";
  public static final String ROUTER_GATE_MODE = "router.gate.mode";
  public static final String ROUTER_GATE_MARGIN = "router.gate.margin";
  public static final String ROUTER_SHADOW_SPEND_LIMIT = "router.shadow.spend.limit";
  public static final String ROUTER_CANDIDATE_POLICY = "router.candidate.policy";
  public static final String ROUTER_CANDIDATE_GATE = "router.candidate.gate";
  public static final String ROUTER_CANDIDATE_CANARY_SHARE = "router.candidate.canary.share";
  public static final String POLICY_PROMOTION_MARGIN = "policy.promotion.margin";
  public static final String POLICY_PROMOTION_CONFIDENCE = "policy.promotion.confidence";
  public static final String POLICY_PROMOTION_MIN_ESS = "policy.promotion.min.ess";
  public static final String POLICY_PROMOTION_MIN_COVERAGE = "policy.promotion.min.coverage";
  public static final String POLICY_PROMOTION_COST_CEILING = "policy.promotion.cost.ceiling";
  public static final String POLICY_PROMOTION_BOOTSTRAP_SAMPLES =
      "policy.promotion.bootstrap.samples";
  public static final String POLICY_CANARY_ROLLBACK_MARGIN = "policy.canary.rollback.margin";
  public static final String POLICY_CANARY_MIN_OUTCOMES = "policy.canary.min.outcomes";
  public static final String POLICY_WATCH_EVERY = "policy.watch.every";
  public static final String POLICY_WATCH_SHADOWS = "policy.watch.shadows";
  public static final String ROUTER_TASK_RULES = "router.task.rules";
  public static final String ROUTER_DEFAULT_EXPERTS = "router.default.experts";
  public static final String ROUTER_CASCADE_ORDER = "router.cascade.order";
  public static final String ROUTER_CASCADE_THRESHOLD = "router.cascade.threshold";
  public static final String ROUTER_CASCADE_MIN_REMAINING_MS = "router.cascade.min.remaining.ms";
  public static final String ROUTER_CASCADE_EXPLORATION = "router.cascade.exploration";
  public static final String ROUTER_EXPLORATION = "router.exploration";
  public static final String ROUTER_EXPLORATION_EPSILON = "router.exploration.epsilon";
  public static final String ROUTER_EXPLORATION_TEMPERATURE = "router.exploration.temperature";
  public static final String ROUTER_EXPLORATION_DECAY = "router.exploration.decay";
  public static final String ROUTER_EXPLORATION_MIN_OUTCOMES = "router.exploration.min.outcomes";
  public static final String ROUTER_FEATURES = "router.features";
  public static final String ROUTER_FEATURES_TASK_DIMENSION = "router.features.task.dimension";
  public static final String ROUTER_FEATURE_DIMENSION = "router.feature.dimension";
  public static final String ROUTER_PROJECTION_DIMENSION = "router.projection.dimension";
  public static final String ROUTER_MINILM_MAX_TOKENS = "router.minilm.max.tokens";
  public static final String ROUTER_MINILM_THREADS = "router.minilm.threads";
  public static final String ROUTER_MAX_TEXT_CHARS = "router.max.text.chars";
  public static final String ROUTER_MAX_REQUEST_BYTES = "router.max.request.bytes";
  public static final String ROUTER_MAX_ATTRIBUTES = "router.max.attributes";
  public static final String ROUTER_MAX_ATTRIBUTES_CHARS = "router.max.attributes.chars";
  public static final String ROUTER_MAX_DEADLINE_MS = "router.max.deadline.ms";
  public static final String ROUTER_DEDUPE_WINDOW_MS = "router.dedupe.window.ms";
  public static final String ROUTER_REPLY_TO_PATTERN = "router.reply.to.pattern";
  public static final String ROUTER_REPLY_TO_TOPICS = "router.reply.to.topics";
  public static final String ROUTER_REPLY_TO_REFRESH_MS = "router.reply.to.refresh.ms";
  public static final String ROUTER_REPLY_TO_LOOKUP_TIMEOUT_MS =
      "router.reply.to.lookup.timeout.ms";
  public static final String FUSION_STRATEGY = "fusion.strategy";
  public static final String FUSION_WEIGHTS = "fusion.weights";
  public static final String FUSION_QUORUM = "fusion.quorum";
  public static final String FUSION_GRACE_MS = "fusion.grace.ms";
  public static final String FUSION_PUNCTUATE_MS = "fusion.punctuate.ms";
  public static final String FUSION_FALLBACK_ORDER = "fusion.fallback.order";
  public static final String FUSION_MAX_EARLY_EXPERTS = "fusion.max.early.experts";
  public static final String FUSION_MAX_EARLY_REQUESTS = "fusion.max.early.requests";
  public static final String ADAPTATION_LEARNER = "adaptation.learner";
  public static final String ADAPTATION_PUBLISH_EVERY_UPDATES = "adaptation.publish.every.updates";
  public static final String ADAPTATION_PUBLISH_EVERY_MS = "adaptation.publish.every.ms";
  public static final String ADAPTATION_JOIN_TTL_MS = "adaptation.join.ttl.ms";
  public static final String ADAPTATION_OUT_OF_ORDERNESS_MS = "adaptation.out.of.orderness.ms";
  public static final String ADAPTATION_LEARNING_RATE = "adaptation.learning.rate";
  public static final String ADAPTATION_L2 = "adaptation.l2";
  public static final String ADAPTATION_RIDGE_LAMBDA = "adaptation.ridge.lambda";
  public static final String ADAPTATION_UCB_ALPHA = "adaptation.ucb.alpha";
  public static final String ADAPTATION_THOMPSON_SCALE = "adaptation.thompson.scale";
  public static final String ADAPTATION_INVERSE_TEMPERATURE = "adaptation.inverse.temperature";
  public static final String ADAPTATION_PRIOR_REWARD = "adaptation.prior.reward";
  public static final String ADAPTATION_PRIOR_QUALITY = "adaptation.prior.quality";
  public static final String ADAPTATION_PRIOR_COUNT = "adaptation.prior.count";
  public static final String ADAPTATION_FORGETTING = "adaptation.forgetting";
  public static final String ADAPTATION_MAX_IMPORTANCE_WEIGHT = "adaptation.max.importance.weight";
  public static final String ADAPTATION_PROJECTION_DIMENSION = "adaptation.projection.dimension";
  public static final String ADAPTATION_KNN_CAPACITY = "adaptation.knn.capacity";
  public static final String ADAPTATION_KNN_CENTROIDS = "adaptation.knn.centroids";
  public static final String ADAPTATION_CHECKPOINT_DIR = "adaptation.checkpoint.dir";
  public static final String ADAPTATION_CHECKPOINT_INTERVAL_MS =
      "adaptation.checkpoint.interval.ms";
  public static final String ADAPTATION_WARM_START = "adaptation.warm.start";
  public static final String ADAPTATION_WARM_START_WEIGHT = "adaptation.warm.start.weight";
  public static final String METRICS_ADAPTATION_PORT = "metrics.adaptation.port";
  public static final String GATEWAY_HOST = "gateway.host";
  public static final String GATEWAY_PORT = "gateway.port";
  public static final String GATEWAY_MAX_CONCURRENT = "gateway.max.concurrent";
  public static final String GATEWAY_DEFAULT_DEADLINE_MS = "gateway.default.deadline.ms";
  public static final String GATEWAY_INSTANCE_ID = "gateway.instance.id";
  public static final String GATEWAY_MAX_CONCURRENT_PER_CLIENT =
      "gateway.max.concurrent.per.client";
  public static final String GATEWAY_THREADS = "gateway.threads";
  public static final String GATEWAY_MAX_CONNECTIONS = "gateway.max.connections";
  public static final String GATEWAY_READ_TIMEOUT_MS = "gateway.read.timeout.ms";
  public static final String GATEWAY_MIN_REQUEST_DATA_RATE = "gateway.min.request.data.rate";
  public static final String GATEWAY_AUTH_TOKENS = "gateway.auth.tokens";
  public static final String GATEWAY_TLS_KEYSTORE_PATH = "gateway.tls.keystore.path";
  public static final String GATEWAY_TLS_KEYSTORE_PASSWORD = "gateway.tls.keystore.password";
  public static final String GATEWAY_TLS_KEYSTORE_TYPE = "gateway.tls.keystore.type";
  public static final String EXPERTS_ALLOW_INSECURE_HTTP = "experts.allow.insecure.http";
  public static final String METRICS_HOST = "metrics.host";
  public static final String METRICS_PORT = "metrics.port";

  /**
   * Prefix of Kafka client settings passed through to every client ({@code
   * kafka.security.protocol}); {@code kafka.producer.}, {@code kafka.consumer.}, {@code
   * kafka.admin.} and {@code kafka.streams.} narrow one to a kind of client, and win over the
   * shared ones.
   */
  public static final String KAFKA_PREFIX = "kafka.";

  /**
   * Prefix of schema registry client settings passed through, prefix removed, to every Apicurio
   * serde ({@code registry.client.apicurio.registry.request.ssl.keystore.location}).
   */
  public static final String REGISTRY_CLIENT_PREFIX = "registry.client.";

  private static final ConfigDef DEFINITION =
      new ConfigDef()
          .define(
              BOOTSTRAP,
              Type.STRING,
              "",
              Importance.HIGH,
              "Kafka bootstrap servers of an existing cluster. Empty: use the local stack (started by"
                  + " 'gatestream stack up'). Set it and no local broker is started.")
          .define(
              REGISTRY_URL,
              Type.STRING,
              "",
              Importance.HIGH,
              "Base URL of an Apicurio Registry 2.x (e.g. http://registry:8080). Empty: the local stack's"
                  + " registry.")
          .define(
              REGISTRY_AUTO_REGISTER,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              "Whether serializers register a schema they do not find. Off in production: schemas are"
                  + " then registered only by 'gatestream topics apply'.")
          .define(
              REGISTRY_COMPATIBILITY,
              Type.STRING,
              "BACKWARD",
              ValidString.in(
                  "BACKWARD",
                  "BACKWARD_TRANSITIVE",
                  "FORWARD",
                  "FORWARD_TRANSITIVE",
                  "FULL",
                  "FULL_TRANSITIVE",
                  "NONE"),
              Importance.MEDIUM,
              "Compatibility level set on every Gatestream subject.")
          .define(
              REGISTRY_TRUSTSTORE_LOCATION,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Truststore every registry client (serdes and admin calls) trusts for an https registry"
                  + " URL. Empty: the JVM's default trust.")
          .define(
              REGISTRY_TRUSTSTORE_PASSWORD,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              "Password of registry.ssl.truststore.location.")
          .define(
              REGISTRY_TRUSTSTORE_TYPE,
              Type.STRING,
              "PKCS12",
              ValidString.in("PKCS12", "JKS"),
              Importance.LOW,
              "Type of registry.ssl.truststore.location.")
          .define(
              REGISTRY_USERNAME,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "User of HTTP basic authentication to the registry (every registry client). Empty: none."
                  + " Further Apicurio client settings pass through as registry.client.*.")
          .define(
              REGISTRY_PASSWORD,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              "Password of registry.username.")
          .define(
              CLIENT_CREDENTIALS_DIR,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Directory of per-service client settings (<service>.properties with kafka.* and"
                  + " registry.* keys, as 'stack up --secure' writes them): each stage connects as its"
                  + " own principal, commands as 'clients'. Empty: every client uses the settings"
                  + " alone; with stack.secure on the local stack, its credentials directory.")
          .define(
              TOPIC_PREFIX,
              Type.STRING,
              "gatestream-",
              Importance.MEDIUM,
              "Prefix of every Gatestream topic name, so several deployments can share a cluster.")
          .define(
              TOPIC_PARTITIONS,
              Type.INT,
              4,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Partitions of the data topics (requests, tasks, results, decisions, feedback).")
          .define(
              TOPIC_REPLICATION,
              Type.SHORT,
              (short) 1,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Replication factor of every Gatestream topic.")
          .define(
              EXPERTS,
              Type.LIST,
              List.of(),
              Importance.HIGH,
              "Expert names, comma-separated, as the models call themselves (e.g."
                  + " meta/llama-2-70b-chat); each gets its own task topic.")
          .define(
              STACK_DIR,
              Type.STRING,
              ".gatestream",
              Importance.LOW,
              "Directory of the local stack's data, logs and PID files; relative to the project root.")
          .define(
              STACK_HOST,
              Type.STRING,
              "127.0.0.1",
              Importance.LOW,
              "Address the local stack binds to.")
          .define(
              STACK_BROKER_PORT,
              Type.INT,
              9092,
              Range.between(1, 65535),
              Importance.LOW,
              "Port of the local Kafka broker.")
          .define(
              STACK_CONTROLLER_PORT,
              Type.INT,
              9093,
              Range.between(1, 65535),
              Importance.LOW,
              "Port of the local broker's KRaft controller listener.")
          .define(
              STACK_REGISTRY_PORT,
              Type.INT,
              8085,
              Range.between(1, 65535),
              Importance.LOW,
              "Port of the local schema registry.")
          .define(
              STACK_BROKER_HEAP_MB,
              Type.INT,
              256,
              Range.atLeast(128),
              Importance.LOW,
              "Heap of the local broker's JVM, MB.")
          .define(
              STACK_REGISTRY_HEAP_MB,
              Type.INT,
              256,
              Range.atLeast(96),
              Importance.LOW,
              "Heap of the local registry's JVM, MB.")
          .define(
              STACK_START_TIMEOUT_MS,
              Type.LONG,
              120_000L,
              Range.atLeast(1_000),
              Importance.LOW,
              "How long 'stack up' waits for each component to become ready.")
          .define(
              STACK_SECURE,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              "Run the local stack secured: SASL_SSL (SCRAM-SHA-512) broker with ACLs and one principal"
                  + " per service, registry over https. Its data lives apart from the plain stack's.")
          .define(
              STACK_BROKERS,
              Type.INT,
              1,
              Range.between(1, 5),
              Importance.MEDIUM,
              "Brokers of the local stack, each a KRaft broker and controller voter in its own JVM;"
                  + " node n listens on stack.broker.port + 2(n-1) and stack.controller.port +"
                  + " 2(n-1). With 3, topics get 3 replicas and min.insync.replicas=2 unless"
                  + " topic.replication says otherwise. Not with stack.secure.")
          .define(
              CLIENT_TIMEOUT_MS,
              Type.INT,
              15_000,
              Range.atLeast(1_000),
              Importance.LOW,
              "How long admin calls to Kafka and the registry may take before the command gives up.")
          .define(
              CLIENT_INSTANCE_ID,
              Type.STRING,
              "",
              new InstanceIdValidator(),
              Importance.MEDIUM,
              "Stable id of this process's stage instance (e.g. a pod name), for static group membership:"
                  + " the Streams stages and expert workers join their groups with a group.instance.id"
                  + " derived from it, so a restarted instance takes its partitions back without a"
                  + " rebalance. Give each process of one stage its own id; empty: dynamic membership.")
          .define(
              CLIENT_SESSION_TIMEOUT_MS,
              Type.INT,
              15_000,
              Range.between(6_000, 300_000),
              Importance.LOW,
              "Session timeout of the Streams stages' and expert workers' group membership: how long"
                  + " the partitions of an instance that died wait before they move to another one.")
          .define(
              EXPERTS_FILE,
              Type.STRING,
              "",
              Importance.HIGH,
              "JSON file describing each expert (backend, price, concurrency, batch size, timeout);"
                  + " experts listed in 'experts' but not in the file get the replay defaults.")
          .define(
              EXPERTS_REPLAY_LOG,
              Type.LIST,
              List.of(),
              Importance.MEDIUM,
              "Wide routing logs (CSV, comma-separated) that replay experts answer from: the experts listed in"
                  + " 'experts' and not in the experts file replay their logged outcomes from them.")
          .define(
              EXPERTS_PRICES,
              Type.LIST,
              List.of(),
              Importance.MEDIUM,
              "Price per call in USD of the experts not in the experts file, 'name=usd,...': what cost-aware"
                  + " gates weigh and what an answer costs when its replay log has no per-query '|cost'.")
          .define(
              EXPERT_INSTANCES,
              Type.INT,
              1,
              Range.atLeast(1),
              Importance.LOW,
              "Worker instances per expert in one JVM (each is a member of the expert's consumer group).")
          .define(
              EXPERT_RESTART_MAX,
              Type.INT,
              5,
              Range.atLeast(0),
              Importance.LOW,
              "Failed expert workers restarted within expert.restart.window.ms; at one failure more the"
                  + " worker is reported failed (the process exits non-zero).")
          .define(
              EXPERT_RESTART_WINDOW_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(1),
              Importance.LOW,
              "The sliding window over which expert.restart.max counts worker failures.")
          .define(
              EXPERT_RESTART_BACKOFF_MS,
              Type.LONG,
              1_000L,
              Range.atLeast(0),
              Importance.LOW,
              "Wait before restarting a failed expert worker; it doubles with each failure in the window.")
          .define(
              EXPERT_RESTART_BACKOFF_MAX_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(0),
              Importance.LOW,
              "The longest wait before restarting a failed expert worker.")
          .define(
              STREAMS_STATE_DIR,
              Type.STRING,
              ".gatestream/streams",
              Importance.LOW,
              "Kafka Streams state directory of the router and fusion stages; relative to the project root.")
          .define(
              STREAMS_THREADS,
              Type.INT,
              1,
              Range.atLeast(1),
              Importance.LOW,
              "Stream threads per Kafka Streams stage.")
          .define(
              STREAMS_COMMIT_INTERVAL_MS,
              Type.LONG,
              20L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Commit interval of the exactly-once stages: read_committed readers see results only after a"
                  + " commit, so this bounds the latency each stage adds.")
          .define(
              PIPELINE_PROFILE,
              Type.STRING,
              "exactly-once",
              ValidString.in("exactly-once", "low-latency"),
              Importance.MEDIUM,
              "Delivery guarantee of the router and fusion stages. exactly-once: each stage writes in"
                  + " transactions, so a read_committed reader sees a result only after the stage's"
                  + " commit (streams.commit.interval.ms), and exactly once. low-latency: at-least-once"
                  + " stages with idempotent producers, so results are visible as soon as they are"
                  + " written; after a crash a stage redoes what it had not committed, and a fused"
                  + " result may then repeat (consumers dedupe by request id).")
          .define(
              STREAMS_MAX_THREAD_REPLACEMENTS,
              Type.INT,
              5,
              Range.atLeast(0),
              Importance.LOW,
              "Failed stream threads a stage replaces within streams.thread.replacement.window.ms; at one"
                  + " failure more it shuts down (state ERROR, the failure as its error) so that its process"
                  + " can exit non-zero rather than retry the same records forever.")
          .define(
              STREAMS_THREAD_REPLACEMENT_WINDOW_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(1),
              Importance.LOW,
              "The sliding window over which streams.max.thread.replacements counts thread failures.")
          .define(
              STREAMS_TRANSACTION_TIMEOUT_MS,
              Type.INT,
              10_000,
              Range.between(1_000, 900_000),
              Importance.LOW,
              "Transaction timeout of the exactly-once stages' producers: how long an open transaction of"
                  + " a killed instance can hold back read_committed readers when no restart fences it.")
          .define(
              ROUTER_POLICY,
              Type.STRING,
              "default",
              Importance.HIGH,
              "Name of the routing policy: the key under which its weights are published.")
          .define(
              ROUTER_GATE,
              Type.STRING,
              "bandit",
              ValidString.in(
                  "bandit",
                  "task-rules",
                  "softmax-top-k",
                  "top-p",
                  "sigmoid",
                  "success-predictor",
                  "knn",
                  "cascade"),
              Importance.HIGH,
              "Which gate decides where a request goes. bandit (the default): per expert, the"
                  + " learned quality plus optimism times its uncertainty for these features, minus lambda"
                  + " times its expected cost; the best k win. knn: the same trade-off with the quality and"
                  + " evidence pooled over the request's nearest centroids of recent examples. cascade: the"
                  + " cheapest expert of router.cascade.order first; fusion asks the next one when the"
                  + " answer's confidence is below router.cascade.threshold and the deadline leaves time.")
          .define(
              ROUTER_GATE_K,
              Type.INT,
              1,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Experts per request for the bandit, knn and top-k gates.")
          .define(
              ROUTER_GATE_P,
              Type.DOUBLE,
              0.8,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              "Cumulative gate probability the top-p gate reaches before it stops adding experts.")
          .define(
              ROUTER_GATE_MAX_K,
              Type.INT,
              4,
              Range.atLeast(1),
              Importance.LOW,
              "Most experts the top-p gate and uncertainty broadcast may choose.")
          .define(
              ROUTER_GATE_SHARED_EXPERTS,
              Type.LIST,
              List.of(),
              Importance.LOW,
              "Experts the sigmoid gate always adds (shared experts).")
          .define(
              ROUTER_GATE_PROMOTED_EXPERTS,
              Type.STRING,
              "",
              Importance.LOW,
              "Shadow experts promoted to production, 'expertA|expertB': the gate chooses among them"
                  + " as among the configured experts, and the router no longer shadows them."
                  + " gatestream policy promote SHADOW sets it in the gate of the version it publishes.")
          .define(
              ROUTER_GATE_THRESHOLD,
              Type.DOUBLE,
              0.7,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              "Predicted success the success-predictor gate requires of the cheapest expert.")
          .define(
              ROUTER_GATE_LAMBDA,
              Type.DOUBLE,
              0.0,
              Range.atLeast(0.0),
              Importance.MEDIUM,
              "Price of cost in reward units per USD: the bandit gate and the success predictor maximize"
                  + " quality - lambda * cost; with a spend target, the controller's starting value (0: 0.1 /"
                  + " target).")
          .define(
              ROUTER_SPEND_TARGET,
              Type.DOUBLE,
              0.0,
              Range.atLeast(0.0),
              Importance.HIGH,
              "Mean spend per request, USD, the router holds (an online controller prices cost to meet it); 0 = no target.")
          .define(
              ROUTER_SPEND_STEP,
              Type.DOUBLE,
              0.02,
              Range.between(1e-6, 1.0),
              Importance.LOW,
              "Step of the spend controller: lambda is multiplied by exp(step * (cost - target) / target)"
                  + " after each decision (the relative error clipped to [-1, 5]).")
          .define(
              ROUTER_GATE_OPTIMISM,
              Type.DOUBLE,
              0.1,
              Range.atLeast(0.0),
              Importance.MEDIUM,
              "Optimism of the bandit gate: the multiple of an expert's predictive standard deviation added"
                  + " to its learned quality, so experts little is known about are tried and the bonus shrinks"
                  + " with evidence per expert and context. The knn gate adds optimism / sqrt(1 + the expert's"
                  + " similarity-weighted outcomes near the request).")
          .define(
              ROUTER_GATE_NEIGHBOURS,
              Type.INT,
              8,
              Range.between(1, 256),
              Importance.LOW,
              "Centroids the knn gate pools per request: the most similar (cosine) to its features, each"
                  + " weighted by that similarity.")
          .define(
              ROUTER_GATE_MODE,
              Type.STRING,
              "net-utility",
              ValidString.in("net-utility", "cheapest-above-threshold"),
              Importance.LOW,
              "How the success-predictor gate chooses.")
          .define(
              ROUTER_GATE_MARGIN,
              Type.DOUBLE,
              0.0,
              Range.atLeast(0.0),
              Importance.LOW,
              "Uncertainty broadcast: runners-up whose score is within this margin of the top are added"
                  + " (0 = off).")
          .define(
              ROUTER_SHADOW_SPEND_LIMIT,
              Type.DOUBLE,
              10.0,
              Range.atLeast(0.0),
              Importance.MEDIUM,
              "Most a router instance spends on shadow experts, USD at their price per call, since it"
                  + " started: once reached, shadow experts (\"shadow\" in the experts file) get no more"
                  + " requests. Counted apart from production spend.")
          .define(
              ROUTER_CANDIDATE_POLICY,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Name of a candidate policy the router runs beside production: it decides every request"
                  + " without sending (logged to the candidate-decisions topic with its propensities),"
                  + " from its own weights on the routing-weights topic (keyed by this name). Empty = none.")
          .define(
              ROUTER_CANDIDATE_GATE,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "The candidate's gate, as evaluate's --policy writes it: KIND[:KEY=VALUE,...], e.g."
                  + " softmax-top-k:k=1,exploration=none. Empty = the production gate's settings.")
          .define(
              ROUTER_CANDIDATE_CANARY_SHARE,
              Type.DOUBLE,
              0.0,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              "Share of live requests the candidate decides for real (its canary), logged as such on"
                  + " both decision topics; 0 = counterfactual only. A canaryShare published with the"
                  + " candidate's weights overrides it (the guardrail publishes 0 to roll a canary back).")
          .define(
              POLICY_PROMOTION_MARGIN,
              Type.DOUBLE,
              0.0,
              Importance.HIGH,
              "A candidate is promoted when the lower confidence bound of its doubly-robust reward minus"
                  + " production's, on the production log, exceeds this margin.")
          .define(
              POLICY_PROMOTION_CONFIDENCE,
              Type.DOUBLE,
              0.95,
              Range.between(0.5, 0.9999),
              Importance.MEDIUM,
              "Confidence level of the promotion rule's intervals (two-sided; the rule reads the lower"
                  + " bound).")
          .define(
              POLICY_PROMOTION_MIN_ESS,
              Type.DOUBLE,
              100.0,
              Range.atLeast(1.0),
              Importance.MEDIUM,
              "Least effective sample size of the candidate's importance weights for a promotion.")
          .define(
              POLICY_PROMOTION_MIN_COVERAGE,
              Type.DOUBLE,
              0.5,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              "Least share of logged decisions whose feedback judges every chosen expert: below it"
                  + " promotion is refused as too little to judge by.")
          .define(
              POLICY_PROMOTION_COST_CEILING,
              Type.DOUBLE,
              0.0,
              Range.atLeast(0.0),
              Importance.MEDIUM,
              "Highest estimated mean cost per request, USD, a promoted candidate may have (its upper"
                  + " confidence bound); 0 = no ceiling.")
          .define(
              POLICY_PROMOTION_BOOTSTRAP_SAMPLES,
              Type.INT,
              400,
              Range.atLeast(2),
              Importance.LOW,
              "Bootstrap resamples behind the promotion rule's intervals.")
          .define(
              POLICY_CANARY_ROLLBACK_MARGIN,
              Type.DOUBLE,
              0.05,
              Range.atLeast(0.0),
              Importance.HIGH,
              "The canary guardrail rolls a canary back (publishes its canaryShare 0) when the upper"
                  + " confidence bound of its live mean reward minus production's falls below minus this"
                  + " margin.")
          .define(
              POLICY_CANARY_MIN_OUTCOMES,
              Type.INT,
              30,
              Range.atLeast(2),
              Importance.MEDIUM,
              "Judged canary requests the guardrail waits for before it may roll a canary back.")
          .define(
              POLICY_WATCH_EVERY,
              Type.INT,
              100,
              Range.atLeast(1),
              Importance.LOW,
              "gatestream policy watch judges the candidate again after this many more decisions"
                  + " read.")
          .define(
              POLICY_WATCH_SHADOWS,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Whether gatestream policy watch also promotes the shadow experts the rule clears"
                  + " (into production's gate); off, only an operator promotes them.")
          .define(
              ROUTER_TASK_RULES,
              Type.STRING,
              "",
              Importance.MEDIUM,
              "Task rules, 'task=expertA|expertB;task2=expertC', for the task-rules gate.")
          .define(
              ROUTER_DEFAULT_EXPERTS,
              Type.LIST,
              List.of(),
              Importance.MEDIUM,
              "Experts for tasks no rule names (task-rules gate); default: every expert.")
          .define(
              ROUTER_CASCADE_ORDER,
              Type.LIST,
              List.of(),
              Importance.MEDIUM,
              "Experts the cascade gate tries, cheapest first (at least two); empty: every configured"
                  + " expert by price per call, cheapest first.")
          .define(
              ROUTER_CASCADE_THRESHOLD,
              Type.DOUBLE,
              0.7,
              Range.between(0.0, 1.0),
              Importance.MEDIUM,
              "Confidence below which the cascade escalates an answer to the next expert: the"
                  + " confidence the expert reports with its answer, else its top class probability; an"
                  + " answer with neither, or a failure, escalates.")
          .define(
              ROUTER_CASCADE_MIN_REMAINING_MS,
              Type.LONG,
              500L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Least time before the request's deadline the cascade needs to escalate, ms; with less"
                  + " the answer in hand stands.")
          .define(
              ROUTER_CASCADE_EXPLORATION,
              Type.DOUBLE,
              0.05,
              Range.between(0.0, 0.5),
              Importance.LOW,
              "Probability that the cascade does the opposite of what its threshold says (when the"
                  + " deadline leaves time), so that evaluate can judge other thresholds; 0 = never.")
          .define(
              ROUTER_EXPLORATION,
              Type.STRING,
              "epsilon",
              ValidString.in("none", "epsilon", "temperature"),
              Importance.MEDIUM,
              "Exploration on top of the gate, always reflected in the logged propensities:"
                  + " epsilon (the default) keeps every expert's propensity positive, which off-policy"
                  + " evaluation needs, and decays with evidence.")
          .define(
              ROUTER_EXPLORATION_EPSILON,
              Type.DOUBLE,
              0.05,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Probability of a random selection under epsilon exploration, before decay.")
          .define(
              ROUTER_EXPLORATION_DECAY,
              Type.DOUBLE,
              1000.0,
              Range.atLeast(0.0),
              Importance.LOW,
              "Epsilon decays as epsilon * sqrt(d / (d + n)), n the examples the weights were learned from"
                  + " (0 = no decay).")
          .define(
              ROUTER_EXPLORATION_MIN_OUTCOMES,
              Type.INT,
              5,
              Range.atLeast(0),
              Importance.LOW,
              "An expert with fewer outcomes than this (new, or added at run time) gets the random"
                  + " selections of epsilon exploration, so it is tried and logged until it has them.")
          .define(
              ROUTER_EXPLORATION_TEMPERATURE,
              Type.DOUBLE,
              0.25,
              Range.atLeast(1e-6),
              Importance.LOW,
              "Softmax temperature of temperature exploration.")
          .define(
              ROUTER_FEATURES,
              Type.LIST,
              List.of("task", "hashed", "length"),
              ValidList.in("task", "hashed", "minilm", "numeric", "length"),
              Importance.HIGH,
              "Feature blocks, concatenated in this order: task (one-hot of the hashed task label), hashed"
                  + " (hashed text n-grams), minilm (MiniLM sentence embeddings, ONNX in-process), numeric (the"
                  + " request's own features) and length (log text length).")
          .define(
              ROUTER_FEATURES_TASK_DIMENSION,
              Type.INT,
              32,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Size of the task block: task labels are hashed into this many one-hot slots.")
          .define(
              ROUTER_FEATURE_DIMENSION,
              Type.INT,
              32,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Size of the hashed block, and the length of the numeric block.")
          .define(
              ROUTER_PROJECTION_DIMENSION,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              "Fixed random projection of the minilm block (384) to this dimension (0 = none).")
          .define(
              ROUTER_MINILM_MAX_TOKENS,
              Type.INT,
              128,
              Range.between(3, 512),
              Importance.LOW,
              "Tokens the minilm block cuts a text to, [CLS] and [SEP] included: the model's cost"
                  + " grows faster than linearly with the length, and a prompt's start says most of"
                  + " what routing needs.")
          .define(
              ROUTER_MINILM_THREADS,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.LOW,
              "onnxruntime's intra-op threads for one minilm embedding (0 = one per core).")
          .define(
              ROUTER_MAX_TEXT_CHARS,
              Type.INT,
              100_000,
              Range.atLeast(1),
              Importance.LOW,
              "Requests with longer text are dead-lettered.")
          .define(
              ROUTER_MAX_REQUEST_BYTES,
              Type.INT,
              512 * 1024,
              Range.atLeast(1024),
              Importance.LOW,
              "Larger requests (serialized) are dead-lettered. Every task carries its whole request, so the"
                  + " router holds this to at most the producers' max.request.size minus 64 KiB: nothing it"
                  + " writes can then be too large to write.")
          .define(
              ROUTER_MAX_ATTRIBUTES,
              Type.INT,
              64,
              Range.atLeast(0),
              Importance.LOW,
              "Requests with more attributes are dead-lettered.")
          .define(
              ROUTER_MAX_ATTRIBUTES_CHARS,
              Type.INT,
              16_384,
              Range.atLeast(0),
              Importance.LOW,
              "Requests whose attributes have more characters, keys and values together, are dead-lettered"
                  + " (attributes are carried into the decision and the fused result).")
          .define(
              ROUTER_MAX_DEADLINE_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(1),
              Importance.LOW,
              "Latest deadline a request may have, ms after it is routed: later deadlines are clamped to it"
                  + " (gatestream.router.deadline.clamped counts them). Fusion holds a decision's deadline, and"
                  + " how long it keeps results waiting for their decision, to the same bound.")
          .define(
              ROUTER_DEDUPE_WINDOW_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(0),
              Importance.MEDIUM,
              "A request whose id the router routed less than this long ago is not routed again (no expert"
                  + " is called twice): it is dead-lettered with code 'duplicate', and the gateway answers"
                  + " it 409. Ids are remembered in a windowed state store (changelogged); 0 = no dedupe.")
          .define(
              ROUTER_REPLY_TO_PATTERN,
              Type.STRING,
              "",
              new RegexValidator(),
              Importance.MEDIUM,
              "Regular expression a request's replyTo must match whole. Empty: the topic prefix followed by"
                  + " reply-, replies- (gateway instances) or score- (batch-scoring runs). Whatever it allows,"
                  + " the catalogue's own topics and the stages' internal topics are refused, and the topic must"
                  + " exist; a request that fails is dead-lettered by the router with the reason.")
          .define(
              ROUTER_REPLY_TO_TOPICS,
              Type.LIST,
              List.of(),
              Importance.MEDIUM,
              "Further topics a request's replyTo may name, by exact name (e.g. a Kafka-native client's own).")
          .define(
              ROUTER_REPLY_TO_REFRESH_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(100),
              Importance.LOW,
              "How often the router and fusion re-read the cluster's topic list that replyTo is checked"
                  + " against. A topic not on it is looked up when first named; one found missing stays"
                  + " missing until the next refresh.")
          .define(
              ROUTER_REPLY_TO_LOOKUP_TIMEOUT_MS,
              Type.LONG,
              2_000L,
              Range.atLeast(1),
              Importance.LOW,
              "Longest a stream thread waits to learn whether a reply topic not on the list exists;"
                  + " unanswered, the topic counts as missing.")
          .define(
              FUSION_STRATEGY,
              Type.STRING,
              "auto",
              ValidString.in(
                  "auto",
                  "weighted-average",
                  "weighted-vote",
                  "highest-confidence",
                  "weighted-mean",
                  "weighted-median",
                  "first-successful",
                  "agreement-vote"),
              Importance.HIGH,
              "How expert answers are fused; auto picks by output type (probabilities:"
                  + " weighted-average, scores: weighted-mean, text: agreement-vote).")
          .define(
              FUSION_WEIGHTS,
              Type.STRING,
              "gate",
              ValidString.in("gate", "uniform", "reliability"),
              Importance.MEDIUM,
              "Weights of the weighted strategies: the gate's weights, uniform, or each expert's running"
                  + " reliability as the adaptation job publishes it for router.policy.")
          .define(
              FUSION_QUORUM,
              Type.INT,
              0,
              Range.atLeast(0),
              Importance.MEDIUM,
              "Emit once this many chosen experts answered OK (0 = wait for all of them or the deadline).")
          .define(
              FUSION_GRACE_MS,
              Type.LONG,
              30_000L,
              Range.atLeast(0),
              Importance.LOW,
              "How long after its deadline a request's state is kept to recognize late results, and results"
                  + " that overtook their routing decision wait for it; judged in record time (the newest record"
                  + " timestamp fusion has read), so an outage of fusion does not expire them.")
          .define(
              FUSION_PUNCTUATE_MS,
              Type.LONG,
              20L,
              Range.atLeast(1),
              Importance.LOW,
              "How often fusion checks for requests at their deadline (wall-clock).")
          .define(
              FUSION_FALLBACK_ORDER,
              Type.LIST,
              List.of(),
              Importance.LOW,
              "Expert order of the first-successful strategy (default: the gate's order).")
          .define(
              FUSION_MAX_EARLY_EXPERTS,
              Type.INT,
              16,
              Range.atLeast(1),
              Importance.LOW,
              "Most experts whose results fusion keeps for a request whose routing decision has not arrived"
                  + " yet; results of further experts are dropped (counted and dead-lettered).")
          .define(
              FUSION_MAX_EARLY_REQUESTS,
              Type.INT,
              10_000,
              Range.atLeast(0),
              Importance.LOW,
              "Most requests one fusion task (input partition) keeps results of before their routing decision"
                  + " arrives; results of further requests are dropped (counted and dead-lettered).")
          .define(
              ADAPTATION_LEARNER,
              Type.STRING,
              "auto",
              ValidString.in("auto", "ridge", "logistic", "linear", "linucb", "thompson", "knn"),
              Importance.HIGH,
              "What learns the routing weights from feedback: ridge (per-expert ridge regression of the"
                  + " quality with its uncertainty and the expert's mean cost, for the bandit gate), logistic"
                  + " (P(good answer), for the success-predictor gate), linear (expected reward, for the ranking"
                  + " gates), linucb or thompson (ridge bandits, ranking gates), knn (recent examples summarized"
                  + " as centroids with each expert's outcomes there, for the knn gate); auto picks the one its"
                  + " gate reads: ridge for bandit, logistic for success-predictor, knn for knn, else linear.")
          .define(
              ADAPTATION_PUBLISH_EVERY_UPDATES,
              Type.INT,
              50,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Publish a new weights version after this many feedback examples; routers see it at"
                  + " once, not at the next checkpoint.")
          .define(
              ADAPTATION_PUBLISH_EVERY_MS,
              Type.LONG,
              5_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Publish pending updates at the latest this long after the first of them (wall-clock).")
          .define(
              ADAPTATION_JOIN_TTL_MS,
              Type.LONG,
              600_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "How long (event time) a decision waits for its feedback, and feedback for its decision,"
                  + " before it counts as expired; bounds the join state.")
          .define(
              ADAPTATION_OUT_OF_ORDERNESS_MS,
              Type.LONG,
              5_000L,
              Range.atLeast(0),
              Importance.LOW,
              "Bounded out-of-orderness of the adaptation job's watermarks.")
          .define(
              ADAPTATION_LEARNING_RATE,
              Type.DOUBLE,
              0.05,
              Range.atLeast(1e-9),
              Importance.MEDIUM,
              "Step size of the logistic and linear learners (AdaGrad-normalized).")
          .define(
              ADAPTATION_L2,
              Type.DOUBLE,
              1e-4,
              Range.atLeast(0.0),
              Importance.LOW,
              "L2 penalty of the logistic and linear learners' weights.")
          .define(
              ADAPTATION_RIDGE_LAMBDA,
              Type.DOUBLE,
              10.0,
              Range.atLeast(1e-9),
              Importance.LOW,
              "Ridge prior of the ridge, linucb and thompson learners (A starts as lambda * I; the ridge"
                  + " learner's bias weighs 1 instead): how many outcomes a task slot or content feature needs"
                  + " before its offset from the expert's level counts.")
          .define(
              ADAPTATION_UCB_ALPHA,
              Type.DOUBLE,
              1.0,
              Range.atLeast(0.0),
              Importance.MEDIUM,
              "Optimism of linucb: the bias added per expert is alpha times its average uncertainty.")
          .define(
              ADAPTATION_THOMPSON_SCALE,
              Type.DOUBLE,
              0.5,
              Range.atLeast(0.0),
              Importance.MEDIUM,
              "Posterior scale v of thompson: each snapshot samples theta from N(theta_hat, v^2 A^-1).")
          .define(
              ADAPTATION_INVERSE_TEMPERATURE,
              Type.DOUBLE,
              5.0,
              Range.atLeast(1e-9),
              Importance.MEDIUM,
              "Published scores of the ranking learners are predicted reward times this, so the gates'"
                  + " softmax concentrates on the better experts.")
          .define(
              ADAPTATION_PRIOR_REWARD,
              Type.DOUBLE,
              1.0,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Reward the logistic and linear learners assume of an expert they know little about;"
                  + " optimistic by default so that greedy gates try every expert at cold start.")
          .define(
              ADAPTATION_PRIOR_QUALITY,
              Type.DOUBLE,
              0.5,
              Range.between(0.0, 1.0),
              Importance.LOW,
              "Quality the ridge and knn learners assume of an expert they know nothing of, weighing one"
                  + " outcome: neutral, since the bandit gate's optimism, not this prior, makes it try every expert.")
          .define(
              ADAPTATION_PRIOR_COUNT,
              Type.DOUBLE,
              20.0,
              Range.atLeast(0.0),
              Importance.LOW,
              "Weight of that prior in examples: published scores are (n * learned + n0 * prior) / (n + n0).")
          .define(
              ADAPTATION_FORGETTING,
              Type.DOUBLE,
              0.998,
              Range.between(0.5, 1.0),
              Importance.LOW,
              "Per-update discount of old evidence (1 = never forget); about 1/(1 - forgetting) updates of"
                  + " memory, which bounds how long the learners take to follow drift.")
          .define(
              ADAPTATION_MAX_IMPORTANCE_WEIGHT,
              Type.DOUBLE,
              10.0,
              Range.atLeast(1.0),
              Importance.LOW,
              "Clip of the importance weights 1/propensity.")
          .define(
              ADAPTATION_PROJECTION_DIMENSION,
              Type.INT,
              32,
              Range.between(1, 64),
              Importance.LOW,
              "linucb and thompson keep d x d statistics: above 64 features they learn on a fixed random"
                  + " projection to this dimension (weights are still published in the router's space).")
          .define(
              ADAPTATION_KNN_CAPACITY,
              Type.INT,
              10_000,
              Range.between(1, 1_000_000),
              Importance.LOW,
              "Examples the knn learner keeps, the most recent: its memory, and so how long it takes to follow"
                  + " drift. Its state holds capacity x (features + 3) floats.")
          .define(
              ADAPTATION_KNN_CENTROIDS,
              Type.INT,
              256,
              Range.between(1, 256),
              Importance.LOW,
              "Most centroids the knn learner publishes (k-means of the stored features by cosine); fewer"
                  + " when centroids x (features + 2 x experts) values would not fit a snapshot's 100,000.")
          .define(
              ADAPTATION_CHECKPOINT_DIR,
              Type.STRING,
              ".gatestream/adaptation/checkpoints",
              Importance.LOW,
              "Checkpoint directory of the embedded adaptation job; relative to the project root. Each deployment"
                  + " (topic prefix) keeps its checkpoints in its own sub-directory, named like its consumer group.")
          .define(
              ADAPTATION_CHECKPOINT_INTERVAL_MS,
              Type.LONG,
              2_000L,
              Range.atLeast(100),
              Importance.LOW,
              "Checkpoint interval of the adaptation job. Checkpoints cover the learner's state and the"
                  + " source offsets (exactly once); weights are published at once, at least once,"
                  + " with versions that keep increasing across a restore.")
          .define(
              ADAPTATION_WARM_START,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Whether a policy the adaptation job has no checkpointed state for resumes from its newest usable"
                  + " snapshot on the routing-weights topic (read when the job starts) instead of the prior. Turn it"
                  + " off, and remove the checkpoints, to make the learners start over.")
          .define(
              ADAPTATION_WARM_START_WEIGHT,
              Type.DOUBLE,
              20.0,
              Range.atLeast(1e-9),
              Importance.LOW,
              "How many examples per expert a warm start's snapshot weighs where it publishes no counts of its own"
                  + " (linear, logistic, linucb and thompson learners; the ridge and knn learners publish theirs):"
                  + " more makes the resumed scores slower to move.")
          .define(
              METRICS_ADAPTATION_PORT,
              Type.INT,
              9405,
              Range.between(-1, 65535),
              Importance.LOW,
              "Port on which the embedded adaptation job of 'gatestream up' serves its Flink metrics (the job's"
                  + " own, under 'gatestream', and Flink's) for Prometheus at /metrics; -1 = not served, 0 = any"
                  + " free port (Flink logs which). Jobs that start pipelines of their own (replay, bench) serve"
                  + " none.")
          .define(
              GATEWAY_HOST,
              Type.STRING,
              "127.0.0.1",
              Importance.MEDIUM,
              "Address the HTTP gateway binds to.")
          .define(
              GATEWAY_PORT,
              Type.INT,
              8088,
              Range.between(0, 65535),
              Importance.MEDIUM,
              "Port of the HTTP gateway (0 = any free port).")
          .define(
              GATEWAY_MAX_CONCURRENT,
              Type.INT,
              256,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Most requests one gateway keeps in flight; beyond that it answers 503 at once.")
          .define(
              GATEWAY_DEFAULT_DEADLINE_MS,
              Type.LONG,
              5_000L,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Deadline of requests that name none, milliseconds from their arrival.")
          .define(
              GATEWAY_INSTANCE_ID,
              Type.STRING,
              "",
              Importance.LOW,
              "Id of this gateway instance, which names its reply topic ([A-Za-z0-9._-]); empty: random,"
                  + " so every start gets a fresh reply topic.")
          .define(
              GATEWAY_MAX_CONCURRENT_PER_CLIENT,
              Type.INT,
              64,
              Range.atLeast(1),
              Importance.MEDIUM,
              "Most requests one client keeps in flight at one gateway (a client is its bearer token's"
                  + " name, or its remote address when gateway.auth.tokens is empty); beyond that it gets"
                  + " 429 at once.")
          .define(
              GATEWAY_THREADS,
              Type.INT,
              16,
              Range.between(8, 1024),
              Importance.LOW,
              "Most threads of the gateway's HTTP server (Jetty). Waiting callers and slow uploads hold"
                  + " none, so a few suffice.")
          .define(
              GATEWAY_MAX_CONNECTIONS,
              Type.INT,
              4096,
              Range.atLeast(1),
              Importance.LOW,
              "Most open HTTP connections; beyond that the gateway stops accepting until some close.")
          .define(
              GATEWAY_READ_TIMEOUT_MS,
              Type.LONG,
              10_000L,
              Range.atLeast(100),
              Importance.MEDIUM,
              "A connection that sends nothing for this long while the gateway waits for its request"
                  + " (headers or body) is closed; a caller waiting for its answer is not affected.")
          .define(
              GATEWAY_MIN_REQUEST_DATA_RATE,
              Type.LONG,
              1024L,
              Range.atLeast(0),
              Importance.LOW,
              "Slowest a request body may arrive, bytes per second; slower uploads are answered 408 and"
                  + " closed (0 = no minimum).")
          .define(
              GATEWAY_AUTH_TOKENS,
              Type.PASSWORD,
              null,
              new BearerTokensValidator(),
              Importance.HIGH,
              "Bearer tokens that may call POST /v1/infer, as comma-separated NAME:TOKEN pairs (NAME"
                  + " identifies the client in logs and per-client limits; the token is never logged);"
                  + " empty: no authentication. /v1/health and /metrics stay open for probes.")
          .define(
              GATEWAY_TLS_KEYSTORE_PATH,
              Type.STRING,
              "",
              Importance.HIGH,
              "Keystore with the gateway's TLS key and certificate; set, the gateway serves HTTPS only.")
          .define(
              GATEWAY_TLS_KEYSTORE_PASSWORD,
              Type.PASSWORD,
              null,
              Importance.HIGH,
              "Password of gateway.tls.keystore.path (and of the key in it).")
          .define(
              GATEWAY_TLS_KEYSTORE_TYPE,
              Type.STRING,
              "PKCS12",
              ValidString.in("PKCS12", "JKS"),
              Importance.LOW,
              "Type of gateway.tls.keystore.path.")
          .define(
              EXPERTS_ALLOW_INSECURE_HTTP,
              Type.BOOLEAN,
              false,
              Importance.HIGH,
              "Allow an expert backend with an API key to use an http:// base URL, which sends the key"
                  + " in clear text; otherwise such an expert is refused when loaded.")
          .define(
              METRICS_HOST,
              Type.STRING,
              "127.0.0.1",
              Importance.MEDIUM,
              "Address the /metrics and /health endpoint of 'gatestream up' and 'gatestream run' binds to"
                  + " (0.0.0.0 in a container).")
          .define(
              METRICS_PORT,
              Type.INT,
              9404,
              Range.between(-1, 65535),
              Importance.MEDIUM,
              "Port of the /metrics (Prometheus) and /health endpoint of 'gatestream up' and 'gatestream run';"
                  + " one per process, so give each 'run' its own; 0: any free port, -1: none.");

  public GatestreamConfig(Map<String, ?> values) {
    super(DEFINITION, values, false);
  }

  /** The catalogue of settings: names, types, defaults, validators and documentation (a copy). */
  public static ConfigDef definition() {
    return new ConfigDef(DEFINITION);
  }

  /**
   * Whether {@code key} is a setting: one of the catalogue's, or a pass-through Kafka client
   * setting.
   */
  public static boolean isKnown(String key) {
    return DEFINITION.names().contains(key)
        || key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length()
        || key.startsWith(REGISTRY_CLIENT_PREFIX) && key.length() > REGISTRY_CLIENT_PREFIX.length();
  }

  /**
   * The pass-through settings under {@code prefix} (e.g. {@code kafka.producer.}), the prefix
   * removed.
   */
  public Map<String, Object> passThrough(String prefix) {
    return originalsWithPrefix(prefix);
  }

  /**
   * The environment variable that sets {@code key}: GATESTREAM_ + key upper-cased, dots as
   * underscores.
   */
  public static String environmentVariable(String key) {
    return "GATESTREAM_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  /** Accepts a valid regular expression (or nothing). */
  private static final class RegexValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        Pattern.compile((String) value);
      } catch (PatternSyntaxException e) {
        throw new ConfigException(name, value, "not a regular expression: " + e.getDescription());
      }
    }

    @Override
    public String toString() {
      return "a regular expression";
    }
  }

  /** Accepts comma-separated NAME:TOKEN pairs with distinct names (or nothing). */
  private static final class BearerTokensValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        return;
      }
      Set<String> names = new HashSet<>();
      for (String pair : ((Password) value).value().split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int colon = pair.indexOf(':');
        if (colon < 1 || colon == pair.length() - 1) {
          throw new ConfigException(name + " must be NAME:TOKEN pairs, separated by commas");
        }
        if (!names.add(pair.substring(0, colon).trim())) {
          throw new ConfigException(
              name + " names client '" + pair.substring(0, colon).trim() + "' twice");
        }
      }
    }

    @Override
    public String toString() {
      return "NAME:TOKEN pairs, comma-separated";
    }
  }

  /**
   * Accepts what Kafka accepts in a {@code group.instance.id} (with room for the suffixes
   * Gatestream and Kafka Streams add), or nothing.
   */
  private static final class InstanceIdValidator implements ConfigDef.Validator {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{0,200}");

    @Override
    public void ensureValid(String name, Object value) {
      if (!LEGAL.matcher((String) value).matches()) {
        throw new ConfigException(
            name, value, "an instance id has at most 200 of the characters a-z A-Z 0-9 . _ -");
      }
    }

    @Override
    public String toString() {
      return "at most 200 of a-z A-Z 0-9 . _ -";
    }
  }

  /** True when the user pointed Gatestream at an existing cluster instead of the local stack. */
  public boolean usesExternalCluster() {
    return !getString(BOOTSTRAP).isBlank();
  }
}
