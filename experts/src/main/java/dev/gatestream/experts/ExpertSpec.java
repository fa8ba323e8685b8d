package dev.gatestream.experts;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gatestream.topics.ExpertId;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * One expert as configured: its backend and how its workers call it. Read from an experts file, a
 * JSON array with one object per expert:
 *
 * <pre>{@code
 * [{"name": "gpt-4-1106-preview", "backend": "replay", "price": 0.03,
 *   "concurrency": 2, "batchSize": 16, "batchLingerMs": 5, "timeoutMs": 30000,
 *   "maxRetries": 3, "retryBackoffMs": 100,
 *   "circuitBreaker": {"failureThreshold": 5, "openMs": 10000},
 *   "settings": {"log": "routellm-gsm8k.csv", "answer": "score", "latencyScale": 0}}]
 * }</pre>
 *
 * Only name, backend and the backend's required settings must be given. Relative paths in settings
 * are resolved against the experts file's directory. An expert with {@code "shadow": {"rate": 0.2,
 * "tasks": ["gsm8k"]}} (or {@code "shadow": true}, rate 0.1, every task) is a shadow expert: no
 * gate chooses it; the router also sends it that share of the requests (of those tasks), and its
 * answers are learned from and reported, never fused.
 *
 * @param pricePerCall USD per task answered, used when the backend reports no cost of its own
 * @param concurrency how many batches may be in flight at the backend at once, per worker
 * @param batchSize most tasks per backend call
 * @param batchLingerMs how long a partial batch waits for more tasks before it is sent anyway
 * @param timeoutMs how long one backend call may take (cut further by the requests' deadlines)
 * @param maxRetries retries of a transiently failed task, within its deadline
 * @param retryBackoffMs wait before the first retry, doubled for each further one
 * @param shadow how it shadows production, null for a production expert
 */
public record ExpertSpec(
    String name,
    BackendSettings backend,
    double pricePerCall,
    int concurrency,
    int batchSize,
    long batchLingerMs,
    long timeoutMs,
    int maxRetries,
    long retryBackoffMs,
    CircuitBreakerSettings circuitBreaker,
    Shadow shadow) {

  public static final double DEFAULT_PRICE = 0.0;
  public static final int DEFAULT_CONCURRENCY = 2;
  public static final int DEFAULT_BATCH_SIZE = 16;
  public static final long DEFAULT_BATCH_LINGER_MS = 5;
  public static final long DEFAULT_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final long DEFAULT_RETRY_BACKOFF_MS = 100;

  /**
   * When the expert's circuit opens and for how long.
   *
   * @param failureThreshold consecutive failed backend calls that open the circuit
   * @param openMs how long the circuit stays open before one probe call is let through
   */
  public record CircuitBreakerSettings(int failureThreshold, long openMs) {
    public static final CircuitBreakerSettings DEFAULTS = new CircuitBreakerSettings(5, 10_000);

    public CircuitBreakerSettings {
      if (failureThreshold < 1 || openMs < 0) {
        throw new IllegalArgumentException(
            "circuit breaker needs failureThreshold >= 1 and"
                + " openMs >= 0, got "
                + failureThreshold
                + " and "
                + openMs);
      }
    }
  }

  /**
   * A shadow expert's sample of live requests.
   *
   * @param rate the probability with which a request is also sent to it, in (0, 1]
   * @param tasks the task labels it is sampled from; empty = every request
   */
  public record Shadow(double rate, List<String> tasks) {
    public static final double DEFAULT_RATE = 0.1;

    public Shadow {
      if (!(rate > 0 && rate <= 1)) {
        throw new IllegalArgumentException("shadow rate must be in (0, 1], got " + rate);
      }
      tasks = List.copyOf(tasks);
    }

    /** Whether a request of this task is in its sample population. */
    public boolean covers(String task) {
      return tasks.isEmpty() || (task != null && tasks.contains(task));
    }
  }

  /** Same as the canonical constructor, for a production expert. */
  public ExpertSpec(
      String name,
      BackendSettings backend,
      double pricePerCall,
      int concurrency,
      int batchSize,
      long batchLingerMs,
      long timeoutMs,
      int maxRetries,
      long retryBackoffMs,
      CircuitBreakerSettings circuitBreaker) {
    this(
        name,
        backend,
        pricePerCall,
        concurrency,
        batchSize,
        batchLingerMs,
        timeoutMs,
        maxRetries,
        retryBackoffMs,
        circuitBreaker,
        null);
  }

  public boolean isShadow() {
    return shadow != null;
  }

  public ExpertSpec {
    ExpertId.of(name);
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    if (pricePerCall < 0
        || concurrency < 1
        || batchSize < 1
        || batchLingerMs < 0
        || timeoutMs < 1
        || maxRetries < 0
        || retryBackoffMs < 0) {
      throw new IllegalArgumentException(
          "expert '"
              + name
              + "': price >= 0, concurrency >= 1,"
              + " batchSize >= 1, batchLingerMs >= 0, timeoutMs >= 1, maxRetries >= 0 and"
              + " retryBackoffMs >= 0 are required");
    }
  }

  /** An expert that replays its logged scores, with every other setting at its default. */
  public static ExpertSpec replayDefaults(String name, List<Path> logs) {
    return new ExpertSpec(
        name,
        new BackendSettings.Replay(logs, BackendSettings.ReplayAnswer.SCORE, 0.0),
        DEFAULT_PRICE,
        DEFAULT_CONCURRENCY,
        DEFAULT_BATCH_SIZE,
        DEFAULT_BATCH_LINGER_MS,
        DEFAULT_TIMEOUT_MS,
        DEFAULT_MAX_RETRIES,
        DEFAULT_RETRY_BACKOFF_MS,
        CircuitBreakerSettings.DEFAULTS);
  }

  /** This expert at another price per call. */
  public ExpertSpec withPrice(double price) {
    return new ExpertSpec(
        name,
        backend,
        price,
        concurrency,
        batchSize,
        batchLingerMs,
        timeoutMs,
        maxRetries,
        retryBackoffMs,
        circuitBreaker,
        shadow);
  }

  /** This expert as a shadow expert. */
  public ExpertSpec asShadow(Shadow sample) {
    return new ExpertSpec(
        name,
        backend,
        pricePerCall,
        concurrency,
        batchSize,
        batchLingerMs,
        timeoutMs,
        maxRetries,
        retryBackoffMs,
        circuitBreaker,
        sample);
  }

  /** Reads an experts file; every problem is a {@link ConfigException} naming expert and field. */
  public static List<ExpertSpec> load(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read experts file " + file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(json, file.getFileName().toString(), base);
  }

  /**
   * Parses the JSON of an experts file.
   *
   * @param source how errors name the file
   * @param baseDir directory against which relative paths are resolved
   */
  public static List<ExpertSpec> parse(String json, String source, Path baseDir) {
    return new Parser(source, baseDir).parseAll(json);
  }

  private static final class Parser {
    private static final ObjectMapper JSON =
        JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> FIELDS =
        Set.of(
            "name",
            "backend",
            "price",
            "concurrency",
            "batchSize",
            "batchLingerMs",
            "timeoutMs",
            "maxRetries",
            "retryBackoffMs",
            "circuitBreaker",
            "settings",
            "shadow");

    private final String source;
    private final Path baseDir;

    Parser(String source, Path baseDir) {
      this.source = source;
      this.baseDir = baseDir;
    }

    List<ExpertSpec> parseAll(String json) {
      JsonNode root;
      try {
        root = JSON.readTree(json);
      } catch (JsonProcessingException e) {
        throw new ConfigException(
            source
                + ": not valid JSON at line "
                + e.getLocation().getLineNr()
                + ": "
                + e.getOriginalMessage());
      }
      if (root == null || !root.isArray()) {
        throw new ConfigException(source + ": expected a JSON array of experts");
      }
      List<ExpertSpec> specs = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < root.size(); i++) {
        ExpertSpec spec = parseOne(root.get(i), i + 1);
        Integer earlier = seen.putIfAbsent(spec.name(), i + 1);
        if (earlier != null) {
          throw new ConfigException(
              source
                  + ": expert '"
                  + spec.name()
                  + "' is configured twice"
                  + " (entries "
                  + earlier
                  + " and "
                  + (i + 1)
                  + ")");
        }
        specs.add(spec);
      }
      return List.copyOf(specs);
    }

    private ExpertSpec parseOne(JsonNode node, int entry) {
      if (!node.isObject()) {
        throw new ConfigException(source + ": entry " + entry + " is not a JSON object");
      }
      JsonNode nameNode = node.get("name");
      if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
        throw new ConfigException(
            source
                + ": entry "
                + entry
                + ": field 'name' is required and"
                + " must be a non-empty string");
      }
      String name = nameNode.asText();
      Fields f = new Fields(source + ": expert '" + name + "'", node, FIELDS);
      try {
        ExpertId.of(name);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(f.where + ": field 'name': " + e.getMessage());
      }
      String kind = f.requiredString("backend");
      JsonNode settingsNode = node.get("settings");
      if (settingsNode != null && !settingsNode.isObject()) {
        throw f.problem("settings", "must be an object");
      }
      Fields settings =
          new Fields(
              f.where + ": settings",
              settingsNode == null ? JSON.createObjectNode() : settingsNode,
              null);
      BackendSettings backend =
          switch (kind) {
            case BackendSettings.Replay.KIND -> replay(settings);
            case BackendSettings.Onnx.KIND -> onnx(settings);
            case BackendSettings.OpenAiChat.KIND -> openAi(settings);
            case BackendSettings.KServeV2.KIND -> kserve(settings);
            default ->
                throw f.problem(
                    "backend",
                    "unknown kind '"
                        + kind
                        + "' (expected "
                        + BackendSettings.Replay.KIND
                        + ", "
                        + BackendSettings.Onnx.KIND
                        + ", "
                        + BackendSettings.OpenAiChat.KIND
                        + " or "
                        + BackendSettings.KServeV2.KIND
                        + ")");
          };
      settings.rejectUnknown();
      CircuitBreakerSettings breaker = CircuitBreakerSettings.DEFAULTS;
      JsonNode breakerNode = node.get("circuitBreaker");
      if (breakerNode != null) {
        if (!breakerNode.isObject()) {
          throw f.problem("circuitBreaker", "must be an object");
        }
        Fields b =
            new Fields(
                f.where + ": circuitBreaker", breakerNode, Set.of("failureThreshold", "openMs"));
        breaker =
            new CircuitBreakerSettings(
                (int) b.integer("failureThreshold", breaker.failureThreshold(), 1),
                b.integer("openMs", breaker.openMs(), 0));
      }
      Shadow shadow = shadow(f, node.get("shadow"));
      f.rejectUnknown();
      return new ExpertSpec(
          name,
          backend,
          f.number("price", DEFAULT_PRICE),
          (int) f.integer("concurrency", DEFAULT_CONCURRENCY, 1),
          (int) f.integer("batchSize", DEFAULT_BATCH_SIZE, 1),
          f.integer("batchLingerMs", DEFAULT_BATCH_LINGER_MS, 0),
          f.integer("timeoutMs", DEFAULT_TIMEOUT_MS, 1),
          (int) f.integer("maxRetries", DEFAULT_MAX_RETRIES, 0),
          f.integer("retryBackoffMs", DEFAULT_RETRY_BACKOFF_MS, 0),
          breaker,
          shadow);
    }

    /** Absent or false: production; true: the default sample; an object: rate and tasks. */
    private static Shadow shadow(Fields f, JsonNode node) {
      if (node == null || node.isNull() || (node.isBoolean() && !node.asBoolean())) {
        return null;
      }
      if (node.isBoolean()) {
        return new Shadow(Shadow.DEFAULT_RATE, List.of());
      }
      if (!node.isObject()) {
        throw f.problem("shadow", "must be true, false or {\"rate\": ..., \"tasks\": [...]}");
      }
      Fields s = new Fields(f.where + ": shadow", node, Set.of("rate", "tasks"));
      double rate = s.number("rate", Shadow.DEFAULT_RATE);
      if (!(rate > 0 && rate <= 1)) {
        throw s.problem("rate", "must be in (0, 1], got " + rate);
      }
      List<String> tasks = s.strings("tasks");
      s.rejectUnknown();
      return new Shadow(rate, tasks);
    }

    private BackendSettings replay(Fields s) {
      String answer = s.optionalString("answer").orElse("score");
      BackendSettings.ReplayAnswer mode =
          switch (answer) {
            case "score" -> BackendSettings.ReplayAnswer.SCORE;
            case "response" -> BackendSettings.ReplayAnswer.RESPONSE;
            default ->
                throw s.problem(
                    "answer", "must be \"score\" or \"response\", got \"" + answer + "\"");
          };
      return new BackendSettings.Replay(
          List.of(path(s, "log")), mode, s.number("latencyScale", 0.0));
    }

    private BackendSettings onnx(Fields s) {
      return new BackendSettings.Onnx(
          path(s, "model"),
          s.optionalString("input"),
          s.optionalString("output"),
          s.strings("labels"),
          (int) s.integer("threads", 1, 1));
    }

    private BackendSettings openAi(Fields s) {
      OptionalDouble price =
          s.node.has("pricePer1kTokens")
              ? OptionalDouble.of(s.number("pricePer1kTokens", 0))
              : OptionalDouble.empty();
      Optional<String> keyEnv = s.optionalString("apiKeyEnv");
      return new BackendSettings.OpenAiChat(
          url(s, "baseUrl"),
          s.requiredString("model"),
          (int) s.integer("maxTokens", 256, 1),
          keyEnv,
          price);
    }

    private BackendSettings kserve(Fields s) {
      return new BackendSettings.KServeV2(
          url(s, "baseUrl"),
          s.requiredString("model"),
          s.optionalString("input").orElse("input"),
          s.optionalString("output"),
          s.strings("labels"));
    }

    private Path path(Fields s, String field) {
      Path path = Path.of(s.requiredString(field));
      return path.isAbsolute() || baseDir == null ? path : baseDir.resolve(path).normalize();
    }

    private static URI url(Fields s, String field) {
      String text = s.requiredString(field);
      try {
        URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null) {
          throw s.problem(field, "must be an http(s) URL, got \"" + text + "\"");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw s.problem(field, "is not a URL: " + e.getMessage());
      }
    }
  }

  /** Typed reads of one JSON object's fields, each failure one line naming the field. */
  private static final class Fields {
    final String where;
    final JsonNode node;
    private final Set<String> known;
    private final List<String> read = new ArrayList<>();

    /**
     * @param known the allowed field names, or null to allow exactly those that were read
     */
    Fields(String where, JsonNode node, Set<String> known) {
      this.where = where;
      this.node = node;
      this.known = known;
    }

    ConfigException problem(String field, String problem) {
      return new ConfigException(where + ": field '" + field + "' " + problem);
    }

    String requiredString(String field) {
      return optionalString(field).orElseThrow(() -> problem(field, "is required"));
    }

    Optional<String> optionalString(String field) {
      read.add(field);
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return Optional.empty();
      }
      if (!value.isTextual() || value.asText().isBlank()) {
        throw problem(field, "must be a non-empty string, got " + value);
      }
      return Optional.of(value.asText());
    }

    long integer(String field, long fallback, long min) {
      read.add(field);
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.canConvertToExactIntegral()
          || !value.canConvertToLong()
          || value.asLong() < min
          || value.asLong() > Integer.MAX_VALUE) {
        throw problem(field, "must be a whole number >= " + min + ", got " + value);
      }
      return value.asLong();
    }

    double number(String field, double fallback) {
      read.add(field);
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isNumber() || !(value.asDouble() >= 0) || Double.isInfinite(value.asDouble())) {
        throw problem(field, "must be a number >= 0, got " + value);
      }
      return value.asDouble();
    }

    List<String> strings(String field) {
      read.add(field);
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return List.of();
      }
      if (!value.isArray()) {
        throw problem(field, "must be an array of strings, got " + value);
      }
      List<String> strings = new ArrayList<>();
      for (JsonNode item : value) {
        if (!item.isTextual()) {
          throw problem(field, "must be an array of strings, got " + value);
        }
        strings.add(item.asText());
      }
      return strings;
    }

    void rejectUnknown() {
      for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        boolean allowed = known == null ? read.contains(name) : known.contains(name);
        if (!allowed) {
          throw new ConfigException(
              where
                  + ": unknown field '"
                  + name
                  + "' (known: "
                  + String.join(", ", known == null ? read : known.stream().sorted().toList())
                  + ")");
        }
      }
    }
  }
}
