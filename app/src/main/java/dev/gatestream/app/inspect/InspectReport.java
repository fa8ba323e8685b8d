package dev.gatestream.app.inspect;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.util.List;

/**
 * The story of one request across the topics: every record about it, in time order, and how each
 * topic was read to find them.
 *
 * @param since where the reads began, null for the topics' beginnings; ISO-8601 in JSON
 * @param events in time order (the record timestamps; a dead letter's, when the stage wrote it)
 */
public record InspectReport(
    String requestId,
    @JsonSerialize(using = ToStringSerializer.class) Instant since,
    List<Event> events,
    List<TopicRead> reads) {

  public InspectReport {
    events = List.copyOf(events);
    reads = List.copyOf(reads);
  }

  /** Whether any topic holds anything about the request. */
  public boolean found() {
    return !events.isEmpty();
  }

  /** The time of the first event, which the story counts from; 0 when nothing was found. */
  public long startMs() {
    return events.isEmpty() ? 0 : events.get(0).timeMs();
  }

  /**
   * Whether some topic had several partitions and every such topic was narrowed to the request's
   * one.
   */
  public boolean readByKey() {
    List<TopicRead> partitioned =
        reads.stream().filter(read -> read.exists() && read.partitionCount() > 1).toList();
    return !partitioned.isEmpty() && partitioned.stream().allMatch(TopicRead::byKey);
  }
}
