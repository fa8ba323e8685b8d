package dev.gatestream.app.source;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * A part of a Kafka topic to read once: {@code kafka:TOPIC} (all of it as of now) or {@code
 * kafka:TOPIC@FROM..TO}, FROM inclusive and TO exclusive, each empty (open), an offset (in every
 * partition), or an ISO-8601 instant ({@code 2026-11-25T08:00:00Z}; a date-time or date without
 * zone is UTC) compared with the records' timestamps. Resolved once to fixed offsets, so reading a
 * live topic ends.
 */
public record TopicRange(String topic, Bound from, Bound to) {

  /** What a spec starts with when it names a topic rather than a file. */
  public static final String SCHEME = "kafka:";

  // Kafka's legal topic characters; '@' and ".." cannot occur in a name, which keeps parsing
  // unambiguous.
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** One end of a range. */
  public sealed interface Bound {
    Bound OPEN = new Open();
  }

  /** The topic's beginning (as FROM) or its end when resolved (as TO). */
  public record Open() implements Bound {}

  /** The same offset in every partition. */
  public record AtOffset(long offset) implements Bound {}

  /** The first record with a timestamp at or after this instant, in each partition. */
  public record AtTime(Instant instant) implements Bound {}

  public TopicRange {
    if (topic == null || !TOPIC_NAME.matcher(topic).matches()) {
      throw new IllegalArgumentException("'" + topic + "' is not a Kafka topic name");
    }
    if (from instanceof AtOffset f && to instanceof AtOffset t && f.offset() > t.offset()) {
      throw new IllegalArgumentException(
          "range of "
              + topic
              + " starts at offset "
              + f.offset()
              + ", after its end "
              + t.offset());
    }
    if (from instanceof AtTime f && to instanceof AtTime t && f.instant().isAfter(t.instant())) {
      throw new IllegalArgumentException(
          "range of " + topic + " starts at " + f.instant() + ", after its end " + t.instant());
    }
  }

  /** The whole topic as of resolution. */
  public static TopicRange whole(String topic) {
    return new TopicRange(topic, Bound.OPEN, Bound.OPEN);
  }

  /** From the first record at or after an instant to the topic's end. */
  public static TopicRange since(String topic, Instant from) {
    return new TopicRange(topic, new AtTime(from), Bound.OPEN);
  }

  public static boolean isTopicSpec(String spec) {
    return spec != null && spec.startsWith(SCHEME);
  }

  /**
   * @throws IllegalArgumentException with a one-line message saying what is wrong
   */
  public static TopicRange parse(String spec) {
    if (!isTopicSpec(spec)) {
      throw new IllegalArgumentException(
          "'" + spec + "' is not a topic range: expected kafka:TOPIC or" + " kafka:TOPIC@FROM..TO");
    }
    String rest = spec.substring(SCHEME.length());
    int at = rest.indexOf('@');
    if (at < 0) {
      return whole(checkedTopic(rest, spec));
    }
    String topic = checkedTopic(rest.substring(0, at), spec);
    String range = rest.substring(at + 1);
    int dots = range.indexOf("..");
    if (dots < 0) {
      throw new IllegalArgumentException(
          "range '"
              + range
              + "' in "
              + spec
              + " is not FROM..TO (either may be"
              + " empty: FROM.. or ..TO)");
    }
    return new TopicRange(
        topic, bound(range.substring(0, dots), spec), bound(range.substring(dots + 2), spec));
  }

  private static String checkedTopic(String topic, String spec) {
    if (!TOPIC_NAME.matcher(topic).matches()) {
      throw new IllegalArgumentException(
          "'" + topic + "' in " + spec + " is not a Kafka topic name");
    }
    return topic;
  }

  private static Bound bound(String text, String spec) {
    String value = text.strip();
    if (value.isEmpty()) {
      return Bound.OPEN;
    }
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return new AtOffset(Long.parseLong(value));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("offset " + value + " in " + spec + " is too large");
      }
    }
    return new AtTime(
        instant(value)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'"
                            + value
                            + "' in "
                            + spec
                            + " is neither an offset nor an ISO-8601 time like 2026-11-25T08:00:00Z")));
  }

  /** An ISO-8601 instant, date-time or date as FROM and TO take them (UTC without a zone). */
  public static Optional<Instant> instant(String value) {
    List<java.util.function.Function<String, Instant>> formats =
        List.of(
            Instant::parse,
            text -> OffsetDateTime.parse(text).toInstant(),
            text -> LocalDateTime.parse(text).toInstant(ZoneOffset.UTC),
            text -> LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
    for (var format : formats) {
      try {
        return Optional.of(format.apply(value));
      } catch (DateTimeException e) {
        // try the next format
      }
    }
    return Optional.empty();
  }

  /** The instant FROM names, if it is one. */
  public Optional<Instant> fromTime() {
    return from instanceof AtTime time ? Optional.of(time.instant()) : Optional.empty();
  }

  /**
   * Fixes the range to offsets as of now. The consumer's isolation level decides where a partition
   * ends: with read_committed, at its last stable offset.
   *
   * @return every partition of the topic, in partition order, with its span (possibly empty)
   * @throws IllegalArgumentException when the topic does not exist
   */
  public Map<TopicPartition, OffsetSpan> resolve(Consumer<?, ?> consumer, Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("unknown topic " + topic);
    }
    List<TopicPartition> partitions = new ArrayList<>();
    infos.stream()
        .mapToInt(PartitionInfo::partition)
        .sorted()
        .forEach(partition -> partitions.add(new TopicPartition(topic, partition)));
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, timeout);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
    Map<TopicPartition, Long> starts =
        offsets(consumer, from, partitions, beginnings, beginnings, ends, timeout);
    Map<TopicPartition, Long> stops =
        offsets(consumer, to, partitions, ends, beginnings, ends, timeout);
    Map<TopicPartition, OffsetSpan> spans = new LinkedHashMap<>();
    for (TopicPartition partition : partitions) {
      long start = starts.get(partition);
      // A FROM time after a TO offset (or the reverse) makes an empty span, not an error per
      // partition.
      spans.put(partition, new OffsetSpan(start, Math.max(start, stops.get(partition))));
    }
    return spans;
  }

  /** Each partition's offset for a bound, within [beginning, end]. */
  private static Map<TopicPartition, Long> offsets(
      Consumer<?, ?> consumer,
      Bound bound,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> open,
      Map<TopicPartition, Long> beginnings,
      Map<TopicPartition, Long> ends,
      Duration timeout) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    if (bound instanceof AtTime time) {
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(partition -> query.put(partition, time.instant().toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
      for (TopicPartition partition : partitions) {
        OffsetAndTimestamp at = found.get(partition);
        // No record at or after the instant: the range starts (or ends) at the partition's end.
        offsets.put(partition, at == null ? ends.get(partition) : at.offset());
      }
    } else {
      for (TopicPartition partition : partitions) {
        offsets.put(
            partition, bound instanceof AtOffset offset ? offset.offset() : open.get(partition));
      }
    }
    offsets.replaceAll(
        (partition, offset) ->
            Math.min(Math.max(offset, beginnings.get(partition)), ends.get(partition)));
    return offsets;
  }

  @Override
  public String toString() {
    if (from instanceof Open && to instanceof Open) {
      return SCHEME + topic;
    }
    return SCHEME + topic + "@" + text(from) + ".." + text(to);
  }

  private static String text(Bound bound) {
    if (bound instanceof AtOffset offset) {
      return Long.toString(offset.offset());
    }
    return bound instanceof AtTime time ? time.instant().toString() : "";
  }
}
