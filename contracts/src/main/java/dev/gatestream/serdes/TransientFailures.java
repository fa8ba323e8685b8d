package dev.gatestream.serdes;

import io.apicurio.registry.rest.client.exception.RateLimitedClientException;
import io.apicurio.registry.rest.client.exception.RestClientException;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a failure of the registry or the broker, which passes and is retried, from a record that is
 * bad, which is dead-lettered. Transient: the registry cannot be reached, times out, answers 5xx,
 * 408 or 429, or gave up after its retries ({@link RegistryUnavailableException}); Kafka's own
 * retriable errors. Anything else (an unknown schema id is a 404, garbage fails before any request,
 * a wrong type fails to decode) is the record's fault.
 */
public final class TransientFailures {

  private TransientFailures() {}

  /** Whether {@code failure}, or anything that caused it, is transient. */
  public static boolean isTransient(Throwable failure) {
    return reason(failure).isPresent();
  }

  /** What in {@code failure} is transient, as one line; empty when the record is at fault. */
  public static Optional<String> reason(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      Optional<String> reason = own(t);
      if (reason.isPresent()) {
        return reason;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> own(Throwable t) {
    if (t instanceof RegistryUnavailableException) {
      return Optional.of(t.getMessage());
    }
    if (t instanceof RetriableException) {
      return Optional.of("broker: " + t);
    }
    if (t instanceof RateLimitedClientException) {
      return Optional.of("registry: rate limited");
    }
    if (t instanceof RestClientException rest) {
      return restReason(rest);
    }
    // The HTTP client's own (connection refused or reset, request timed out); not the decoder's
    // (an EOFException is a truncated record).
    if (t instanceof IOException && t.getClass().getPackageName().startsWith("java.net")) {
      return Optional.of("registry unreachable: " + t);
    }
    return Optional.empty();
  }

  private static Optional<String> restReason(RestClientException rest) {
    if (rest.getError() == null) {
      return Optional.of("registry: " + rest);
    }
    Integer code = rest.getError().getErrorCode();
    // Apicurio's JDK client reports an I/O failure as an error without a status code, named after
    // the I/O exception (ConnectException, HttpTimeoutException, ...).
    if (code == null || code == 0) {
      return Optional.of("registry unreachable: " + rest.getError().getName());
    }
    if (code >= 500 || code == 408 || code == 429) {
      return Optional.of("registry answered " + code + ": " + rest.getError().getMessage());
    }
    return Optional.empty();
  }
}
