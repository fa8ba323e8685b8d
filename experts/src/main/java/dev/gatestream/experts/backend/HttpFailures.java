package dev.gatestream.experts.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatestream.experts.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How HTTP backends turn a failed exchange into a one-line, transient-or-permanent failure that
 * never carries the backend's body (which is logged instead).
 */
final class HttpFailures {

  private static final Logger LOG = LoggerFactory.getLogger(HttpFailures.class);
  private static final int MAX_DETAIL = 200;
  private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private HttpFailures() {}

  /** Overload, server trouble and request timeouts pass; other client errors repeat if retried. */
  static boolean isTransient(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /**
   * The failure callers see: the status, the backend's error code when it gives a short one, and
   * where the body is. The body itself may hold anything (keys, other users' data), so it goes to
   * this worker's log only, under the request ids.
   *
   * @param requestIds the requests the exchange was for, naming the log line
   */
  static Outcome.Failure ofStatus(
      HttpResponse<String> response, ObjectMapper json, String requestIds) {
    LOG.warn(
        "requests {}: HTTP {} from {}: {}",
        requestIds,
        response.statusCode(),
        response.uri(),
        detail(response.body(), json));
    return new Outcome.Failure(
        "HTTP "
            + response.statusCode()
            + errorCode(response.body(), json).map(code -> " (" + code + ")").orElse("")
            + " from "
            + response.uri()
            + "; the body is in the expert's log under request "
            + requestIds,
        isTransient(response.statusCode()));
  }

  /**
   * An answer that cannot be used: what was wrong is for the caller, the body for the log.
   *
   * @param problem e.g. "not JSON"
   */
  static Outcome.Failure unusable(URI uri, String problem, String body, String requestIds) {
    LOG.warn("requests {}: {} from {}: {}", requestIds, problem, uri, oneLine(body));
    return Outcome.permanent(
        problem + " from " + uri + "; the body is in the expert's log under request " + requestIds);
  }

  /**
   * The error code of an OpenAI- or KServe-style body ({@code error.code} or {@code error.type}),
   * when it is a short identifier: nothing free-form reaches the caller.
   */
  static Optional<String> errorCode(String body, ObjectMapper json) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    try {
      JsonNode error = json.readTree(body).path("error");
      for (String field : List.of("code", "type")) {
        JsonNode code = error.path(field);
        if (code.isValueNode() && ERROR_CODE.matcher(code.asText()).matches()) {
          return Optional.of(code.asText());
        }
      }
    } catch (IOException e) {
      // Not JSON: no code.
    }
    return Optional.empty();
  }

  /** A failure to exchange at all: timeouts and I/O errors are transient. */
  static Outcome.Failure ofThrowable(Throwable thrown, URI uri, Duration timeout) {
    Throwable t =
        thrown instanceof CompletionException && thrown.getCause() != null
            ? thrown.getCause()
            : thrown;
    if (t instanceof HttpTimeoutException) {
      return Outcome.transientFailure(
          "no answer from " + uri + " within " + timeout.toMillis() + " ms");
    }
    if (t instanceof IOException) {
      return Outcome.transientFailure("cannot reach " + uri + ": " + oneLine(String.valueOf(t)));
    }
    return Outcome.permanent("request to " + uri + " failed: " + oneLine(String.valueOf(t)));
  }

  /**
   * The message of an OpenAI- or KServe-style error body, else the body itself, cut short: for the
   * log.
   */
  static String detail(String body, ObjectMapper json) {
    if (body == null || body.isBlank()) {
      return "(empty body)";
    }
    try {
      JsonNode error = json.readTree(body).path("error");
      JsonNode message = error.isObject() ? error.path("message") : error;
      if (message.isTextual()) {
        return oneLine(message.asText());
      }
    } catch (IOException e) {
      // Not JSON: fall through to the raw body.
    }
    return oneLine(body);
  }

  static String oneLine(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL - 3) + "...";
  }
}
