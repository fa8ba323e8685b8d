package dev.gatestream.streams.common;

import java.util.Locale;

/**
 * Why a stage dead-lettered a record, as a short stable code: the {@code reason} tag of the
 * dead-letter counter. The free-text reason, which names the very value that failed, stays in the
 * record's {@code gatestream.dlq.reason} header, so the meter's cardinality stays bounded.
 */
public enum DeadLetterReason {
  /** The bytes are not a record of the topic's schema. */
  UNREADABLE,
  /**
   * The record reads but breaks a rule of the stage (no id, nothing to route on, features that do
   * not fit, over a size limit, a reply-to topic it may not write to).
   */
  INVALID,
  /** A request whose id was routed already, within the dedupe window. */
  DUPLICATE,
  /** The request's deadline had passed before the stage got to it. */
  EXPIRED,
  /**
   * A valid record the stage had no use for: an expert result no decision asked for or waited for.
   */
  DROPPED,
  /** What the stage made of the record could not be written: too large, or its topic missing. */
  UNWRITABLE,
  /** The stage failed on the record for another reason. */
  FAILED;

  /** The tag value: the name in lower case. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
