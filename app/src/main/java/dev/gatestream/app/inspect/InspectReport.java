package dev.gatestream.app.inspect;

import java.time.Instant;
import java.util.List;

/**
 * The story of one request across the topics: every record about it, in time order, and how each
 * topic was read to find them.
 *
 * @param since where the reads began, null for the topics' beginnings
 * @param events in time order (the record timestamps; a dead letter's, when the stage wrote it)
 */
public record InspectReport(String requestId, Instant since, List<Event> events, List<TopicRead> reads) {

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

  /** Whether every partitioned topic was narrowed to the request's partition. */
  public boolean readByKey() {
    return reads.stream().filter(read -> read.exists() && read.partitionCount() > 1).allMatch(TopicRead::byKey);
  }
}
