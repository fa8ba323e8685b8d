package dev.gatestream.topics;

/** Names of the Kafka record headers Gatestream writes; the only place they are spelled. */
public final class GatestreamHeaders {

  /** What the names of the dead-letter headers begin with. */
  public static final String DLQ_PREFIX = "gatestream.dlq.";

  /** Why a record was dead-lettered, one line. */
  public static final String DLQ_REASON = "gatestream.dlq.reason";

  /**
   * The reason as a short stable code (e.g. {@code invalid}, {@code duplicate}), where the stage
   * sets one: what a caller may act on without parsing the reason.
   */
  public static final String DLQ_CODE = "gatestream.dlq.code";

  /** Which stage dead-lettered it (router, fusion, expert NAME, ...). */
  public static final String DLQ_STAGE = "gatestream.dlq.stage";

  /** Topic, partition and offset the record came from. */
  public static final String DLQ_SOURCE_TOPIC = "gatestream.dlq.source.topic";

  public static final String DLQ_SOURCE_PARTITION = "gatestream.dlq.source.partition";
  public static final String DLQ_SOURCE_OFFSET = "gatestream.dlq.source.offset";

  /** Epoch milliseconds at which the record was dead-lettered. */
  public static final String DLQ_TIMESTAMP = "gatestream.dlq.timestamp";

  /** The record's value size in bytes before it was truncated to fit the dead-letter topic. */
  public static final String DLQ_ORIGINAL_SIZE = "gatestream.dlq.original.size";

  /** For a record a stage could not write: the topic it was meant for. */
  public static final String DLQ_TARGET_TOPIC = "gatestream.dlq.target.topic";

  /** On fused results bound for a request's reply-to topic: that topic. */
  public static final String REPLY_TO = "gatestream.reply.to";

  /**
   * On expert tasks the router sent a shadow expert: "true". Its answer is learned from and
   * reported, never fused.
   */
  public static final String SHADOW = "gatestream.shadow";

  private GatestreamHeaders() {}
}
