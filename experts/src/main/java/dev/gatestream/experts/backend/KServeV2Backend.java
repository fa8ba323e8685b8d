package dev.gatestream.experts.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.experts.BackendException;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.ExpertBackend;
import dev.gatestream.experts.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A model served with the Open Inference Protocol (KServe v2, Triton, Seldon MLServer) over REST:
 * the whole batch goes in one request as an FP32 tensor [batch, d] of the requests' features; the
 * output tensor is read as class probabilities ([batch, C]) or scores ([batch] or [batch, 1]).
 */
public final class KServeV2Backend implements ExpertBackend {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BackendSettings.KServeV2 settings;
  private final URI endpoint;
  private final HttpClient http;

  public KServeV2Backend(BackendSettings.KServeV2 settings) {
    this.settings = settings;
    this.endpoint = URI.create(settings.baseUrl() + "/v2/models/" + settings.model() + "/infer");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) throws BackendException {
    Outcome[] outcomes = new Outcome[tasks.size()];
    List<Integer> rows = new ArrayList<>(tasks.size());
    long dimension = -1;
    for (int i = 0; i < tasks.size(); i++) {
      Optional<Outcome.Failure> problem = Features.problem(tasks.get(i), dimension);
      if (problem.isPresent()) {
        outcomes[i] = problem.get();
      } else {
        rows.add(i);
        // The first good task fixes the batch's width; the server checks it against the model.
        dimension = tasks.get(i).getRequest().getFeatures().size();
      }
    }
    if (rows.isEmpty()) {
      return Arrays.asList(outcomes);
    }
    long start = System.nanoTime();
    String ids = String.join(",", rows.stream().map(r -> tasks.get(r).getRequestId()).toList());
    JsonNode answer = infer(request(tasks, rows, dimension), timeout, ids);
    long latencyMs = (System.nanoTime() - start) / 1_000_000;
    List<Object> predictions = predictions(answer, rows.size());
    for (int r = 0; r < rows.size(); r++) {
      outcomes[rows.get(r)] =
          new Outcome.Answer(
              predictions.get(r), OptionalDouble.empty(), OptionalLong.of(latencyMs));
    }
    return Arrays.asList(outcomes);
  }

  private ObjectNode request(List<ExpertTask> tasks, List<Integer> rows, long dimension) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode input = body.putArray("inputs").addObject();
    input.put("name", settings.input());
    input.putArray("shape").add(rows.size()).add(dimension);
    input.put("datatype", "FP32");
    ArrayNode data = input.putArray("data");
    for (int row : rows) {
      tasks.get(row).getRequest().getFeatures().forEach(data::add);
    }
    settings.output().ifPresent(name -> body.putArray("outputs").addObject().put("name", name));
    return body;
  }

  /**
   * @param requestIds of the batch, naming the log line of a failed exchange
   */
  private JsonNode infer(ObjectNode body, Duration timeout, String requestIds)
      throws BackendException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted", true, e);
    } catch (IOException e) {
      Outcome.Failure f = HttpFailures.ofThrowable(e, endpoint, timeout);
      throw new BackendException(f.message(), f.transientFailure(), e);
    }
    if (response.statusCode() != 200) {
      Outcome.Failure f = HttpFailures.ofStatus(response, JSON, requestIds);
      throw new BackendException(f.message(), f.transientFailure());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BackendException(
          HttpFailures.unusable(endpoint, "not JSON", response.body(), requestIds).message(),
          false);
    }
  }

  private List<Object> predictions(JsonNode answer, int batch) throws BackendException {
    JsonNode outputs = answer.path("outputs");
    JsonNode output = null;
    for (JsonNode candidate : outputs) {
      if (settings.output().map(n -> n.equals(candidate.path("name").asText())).orElse(true)) {
        output = candidate;
        break;
      }
    }
    if (output == null) {
      throw new BackendException(
          "no output"
              + settings.output().map(n -> " '" + n + "'").orElse("")
              + " in the answer of "
              + endpoint,
          false);
    }
    long[] shape = new long[output.path("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = output.path("shape").path(i).asLong();
    }
    List<Double> values = new ArrayList<>();
    flatten(output.path("data"), values);
    try {
      double[] flat = values.stream().mapToDouble(Double::doubleValue).toArray();
      return Predictions.of(shape, flat, batch, settings.labels());
    } catch (IllegalArgumentException e) {
      throw new BackendException(
          "unexpected output '"
              + output.path("name").asText()
              + "' from "
              + endpoint
              + ": "
              + e.getMessage(),
          false);
    }
  }

  // The protocol's data is row-major and flat, but some servers nest it by dimension.
  private static void flatten(JsonNode node, List<Double> into) throws BackendException {
    if (node.isArray()) {
      for (JsonNode item : node) {
        flatten(item, into);
      }
    } else if (node.isNumber()) {
      into.add(node.asDouble());
    } else {
      throw new BackendException("output data holds a non-number: " + node, false);
    }
  }
}
