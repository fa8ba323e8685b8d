package dev.gatestream.app.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The part of a Flink cluster's REST API that Gatestream uses: upload and run a job jar, read a
 * job's state and checkpoints, list TaskManagers, and stop a job with a savepoint. JSON through
 * Jackson, HTTP through the JDK's client; every call has a timeout, and an error answer becomes a
 * {@link FlinkRestException} with Flink's own reason.
 */
public final class FlinkRestClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Flink's job states that end a job (JobStatus#isGloballyTerminalState). */
  private static final List<String> TERMINAL = List.of("FINISHED", "CANCELED", "FAILED");

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param baseUrl the REST API, e.g. {@code http://127.0.0.1:8081}
   * @param timeout of every request
   */
  public FlinkRestClient(String baseUrl, Duration timeout) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** A job's state and the states of its tasks. */
  public record JobState(String jobId, String name, String state, List<String> vertexStates) {

    /** Every task runs, not only the job (which is RUNNING already while it waits for slots). */
    public boolean fullyRunning() {
      return state.equals("RUNNING")
          && !vertexStates.isEmpty()
          && vertexStates.stream().allMatch("RUNNING"::equals);
    }

    public boolean terminal() {
      return TERMINAL.contains(state);
    }
  }

  /** A registered TaskManager and how many of its slots are free. */
  public record TaskManager(String id, int slots, int freeSlots) {}

  /** A job's checkpoint counts and, once it restored one, the checkpoint it restored. */
  public record Checkpoints(long completed, long restored, Optional<String> lastRestoredPath) {}

  /**
   * The outcome of a savepoint request: done when it completed or failed.
   *
   * @param location where the savepoint is, once it completed
   * @param failure why it failed, if it did
   */
  public record SavepointStatus(
      boolean done, Optional<String> location, Optional<String> failure) {}

  /** Uploads a job jar ({@code POST /jars/upload}, multipart); returns the cluster's id of it. */
  public String uploadJar(Path jar) {
    String boundary = "gatestream-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest.BodyPublisher body;
    try {
      body =
          HttpRequest.BodyPublishers.concat(
              HttpRequest.BodyPublishers.ofByteArray(head),
              HttpRequest.BodyPublishers.ofFile(jar),
              HttpRequest.BodyPublishers.ofByteArray(tail));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the job jar " + jar, e);
    }
    JsonNode answer =
        send(
            request("/jars/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body),
            "upload " + jar.getFileName());
    // The id is the stored file's name, e.g. 2f3c..._gatestream-adaptation-job.jar.
    return Path.of(answer.path("filename").asText()).getFileName().toString();
  }

  /**
   * Runs an uploaded jar's main ({@code POST /jars/:id/run}); returns the id of the job it
   * submitted.
   *
   * @param savepointPath a savepoint or retained checkpoint to restore, if any
   */
  public String runJar(
      String jarId, String entryClass, List<String> programArgs, Optional<String> savepointPath) {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", entryClass);
    programArgs.forEach(body.putArray("programArgsList")::add);
    savepointPath.ifPresent(path -> body.put("savepointPath", path));
    body.put("allowNonRestoredState", false);
    JsonNode answer = send(postJson("/jars/" + jarId + "/run", body), "run " + jarId);
    return answer.path("jobid").asText();
  }

  public void deleteJar(String jarId) {
    send(request("/jars/" + jarId).DELETE(), "delete jar " + jarId);
  }

  public JobState job(String jobId) {
    JsonNode answer = send(request("/jobs/" + jobId).GET(), "job " + jobId);
    List<String> vertices = new ArrayList<>();
    answer.path("vertices").forEach(vertex -> vertices.add(vertex.path("status").asText()));
    return new JobState(
        jobId, answer.path("name").asText(), answer.path("state").asText(), vertices);
  }

  /** Every job the cluster knows, newest first as Flink lists them, with task states left out. */
  public List<JobState> jobs() {
    JsonNode answer = send(request("/jobs/overview").GET(), "jobs");
    List<JobState> jobs = new ArrayList<>();
    answer
        .path("jobs")
        .forEach(
            job ->
                jobs.add(
                    new JobState(
                        job.path("jid").asText(),
                        job.path("name").asText(),
                        job.path("state").asText(),
                        List.of())));
    return jobs;
  }

  /** The job named {@code name} that has not ended, if there is one. */
  public Optional<JobState> activeJob(String name) {
    return jobs().stream().filter(job -> job.name().equals(name) && !job.terminal()).findFirst();
  }

  public Checkpoints checkpoints(String jobId) {
    JsonNode answer = send(request("/jobs/" + jobId + "/checkpoints").GET(), "checkpoints");
    JsonNode restored = answer.path("latest").path("restored");
    return new Checkpoints(
        answer.path("counts").path("completed").asLong(),
        answer.path("counts").path("restored").asLong(),
        restored.isObject()
            ? Optional.of(restored.path("external_path").asText())
            : Optional.empty());
  }

  public List<TaskManager> taskManagers() {
    JsonNode answer = send(request("/taskmanagers").GET(), "taskmanagers");
    List<TaskManager> tms = new ArrayList<>();
    answer
        .path("taskmanagers")
        .forEach(
            tm ->
                tms.add(
                    new TaskManager(
                        tm.path("id").asText(),
                        tm.path("slotsNumber").asInt(),
                        tm.path("freeSlots").asInt())));
    return tms;
  }

  /**
   * Asks the job to stop with a savepoint in {@code targetDirectory} ({@code POST /jobs/:id/stop});
   * returns the id of the request, for {@link #savepoint}.
   */
  public String stopWithSavepoint(String jobId, String targetDirectory) {
    ObjectNode body = JSON.createObjectNode();
    body.put("targetDirectory", targetDirectory);
    body.put("drain", false);
    JsonNode answer = send(postJson("/jobs/" + jobId + "/stop", body), "stop " + jobId);
    return answer.path("request-id").asText();
  }

  public SavepointStatus savepoint(String jobId, String requestId) {
    JsonNode answer =
        send(
            request("/jobs/" + jobId + "/savepoints/" + requestId).GET(), "savepoint " + requestId);
    if (!"COMPLETED".equals(answer.path("status").path("id").asText())) {
      return new SavepointStatus(false, Optional.empty(), Optional.empty());
    }
    JsonNode operation = answer.path("operation");
    if (operation.hasNonNull("location")) {
      return new SavepointStatus(
          true, Optional.of(operation.path("location").asText()), Optional.empty());
    }
    return new SavepointStatus(
        true,
        Optional.empty(),
        Optional.of(reason(operation.path("failure-cause").path("stack-trace").asText("unknown"))));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
  }

  private HttpRequest.Builder postJson(String path, JsonNode body) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
  }

  private JsonNode send(HttpRequest.Builder builder, String what) {
    HttpRequest request = builder.header("Accept", "application/json").build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new FlinkRestException(
          "cannot reach the Flink REST API at " + baseUrl + " (is the cluster running?)", e);
    } catch (IOException e) {
      throw new FlinkRestException(
          "Flink REST API at " + baseUrl + ": " + what + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FlinkRestException("interrupted: " + what, e);
    }
    JsonNode body;
    try {
      body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new FlinkRestException(
          what + ": HTTP " + response.statusCode() + " with a body that is not JSON", e);
    }
    if (response.statusCode() / 100 != 2) {
      JsonNode errors = body.path("errors");
      String reason =
          errors.isArray() && !errors.isEmpty()
              ? reason(errors.get(errors.size() - 1).asText())
              : "";
      throw new FlinkRestException(
          what + ": HTTP " + response.statusCode() + (reason.isEmpty() ? "" : ": " + reason));
    }
    return body;
  }

  /**
   * One line of Flink's error text, which is often a whole stack trace: its innermost cause, where
   * the reason is.
   */
  static String reason(String error) {
    String reason = error.lines().findFirst().orElse("").trim();
    for (String line : error.lines().toList()) {
      if (line.startsWith("Caused by: ")) {
        reason = line.substring("Caused by: ".length()).trim();
      }
    }
    return reason;
  }
}
