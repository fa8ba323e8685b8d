package dev.gatestream.gateway.client;

import dev.gatestream.contracts.FusedResult;

/**
 * What became of one request of a {@link RequestReplyClient}: its result, or why there is none.
 * Each request has exactly one outcome.
 *
 * @param <T> what the caller attached to the request
 */
public sealed interface Outcome<T> {

  String requestId();

  T tag();

  /** Its fused result came back. */
  record Answered<T>(String requestId, T tag, FusedResult result) implements Outcome<T> {}

  /**
   * The router, or fusion, dead-lettered it: no result will come.
   *
   * @param code the dead letter's reason code (e.g. {@code invalid}, {@code duplicate}), empty when
   *     the stage gave none
   */
  record Refused<T>(String requestId, T tag, String stage, String code, String reason)
      implements Outcome<T> {}

  /** A result came back for it that cannot be read. */
  record Unreadable<T>(String requestId, T tag, RuntimeException error) implements Outcome<T> {}

  /** It could not be produced. */
  record NotSent<T>(String requestId, T tag, Exception error) implements Outcome<T> {}

  /** No result by its give-up time: its deadline plus the client's grace. */
  record TimedOut<T>(String requestId, T tag) implements Outcome<T> {}
}
