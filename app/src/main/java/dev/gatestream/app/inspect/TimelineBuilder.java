package dev.gatestream.app.inspect;

import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Assembles the timeline of one request from the records of the topics it passed through, offered
 * one by one in any order: keeps those about the request, by key or, for a record keyed otherwise,
 * by the request id in its value, and orders them by time.
 *
 * <p>Only records whose key is the id, or whose value bytes contain it (Avro writes strings as they
 * are), are decoded at all: scanning a big topic costs a byte comparison per record.
 */
public final class TimelineBuilder {

  private record Entry(TopicRole role, Event event) {}

  /**
   * Same instant: the flow's order, then where the records are, so the order never depends on
   * reading.
   */
  private static final Comparator<Entry> ORDER =
      Comparator.<Entry>comparingLong(entry -> entry.event().timeMs())
          .thenComparing(Entry::role)
          .thenComparing(entry -> entry.event().at().topic())
          .thenComparingInt(entry -> entry.event().at().partition())
          .thenComparingLong(entry -> entry.event().at().offset());

  private final String requestId;
  private final byte[] key;
  private final EventDecoder decoder;
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> chosenExperts = new LinkedHashSet<>();
  private final Set<String> replyTopics = new LinkedHashSet<>();

  public TimelineBuilder(String requestId, Topics topics, GatestreamSerdes serdes) {
    this.requestId = requestId;
    // Every stage writes the id with the string serializer: these are the key's bytes on every
    // topic.
    this.key = requestId.getBytes(StandardCharsets.UTF_8);
    this.decoder = new EventDecoder(topics, serdes);
  }

  public String requestId() {
    return requestId;
  }

  /** The bytes of the request's key, as every stage writes it. */
  public byte[] key() {
    return key.clone();
  }

  /**
   * Takes a record of a topic in the given role if it is about the request.
   *
   * @return whether it was
   */
  public boolean offer(TopicRole role, ConsumerRecord<byte[], byte[]> record) {
    boolean keyed = Arrays.equals(record.key(), key);
    if (!keyed && !contains(record.value(), key)) {
      return false;
    }
    if (role == TopicRole.DEAD_LETTERS) {
      return offerDeadLetter(record, keyed);
    }
    Event.RecordAt at = EventDecoder.at(record);
    if (record.value() == null) {
      if (keyed) {
        add(
            role,
            new Event.Problem(at, "a record with no value (a tombstone) on " + record.topic()));
      }
      return keyed;
    }
    SpecificRecord value;
    try {
      value = decoder.value(role, record);
    } catch (RuntimeException e) {
      if (keyed) {
        add(
            role,
            new Event.Problem(
                at, "cannot be read as a record of " + record.topic() + ": " + e.getMessage()));
      }
      return keyed;
    }
    String valueId = EventDecoder.requestIdOf(value);
    if (!keyed && !requestId.equals(valueId)) {
      return false; // the id's bytes occur in the value, but as part of something else
    }
    Event event = decoder.event(role, record, value);
    add(role, event);
    remember(value);
    if (!keyed) {
      add(
          role,
          new Event.Problem(
              at,
              "about this request but keyed "
                  + describe(record.key())
                  + ": stages that join by key miss it"));
    } else if (!requestId.equals(valueId)) {
      add(
          role,
          new Event.Problem(
              at, "keyed by this request but its value is about request '" + valueId + "'"));
    }
    return true;
  }

  private boolean offerDeadLetter(ConsumerRecord<byte[], byte[]> record, boolean keyed) {
    if (!keyed) {
      Optional<SpecificRecord> original = decoder.original(record);
      if (original.isEmpty() || !requestId.equals(EventDecoder.requestIdOf(original.get()))) {
        return false;
      }
    }
    add(TopicRole.DEAD_LETTERS, decoder.deadLetter(record, !keyed));
    return true;
  }

  /** The experts the request's decisions chose, whose task topics hold its tasks. */
  public Set<String> chosenExperts() {
    return Set.copyOf(chosenExperts);
  }

  /** The reply topics the request or its decision named. */
  public Set<String> replyTopics() {
    return Set.copyOf(replyTopics);
  }

  /** Everything found so far, in time order. */
  public List<Event> timeline() {
    return entries.stream().sorted(ORDER).map(Entry::event).toList();
  }

  private void add(TopicRole role, Event event) {
    entries.add(new Entry(role, event));
  }

  private void remember(SpecificRecord value) {
    if (value instanceof InferenceRequest request && request.getReplyTo() != null) {
      replyTopics.add(request.getReplyTo());
    } else if (value instanceof RoutingDecision decision) {
      decision.getChosen().forEach(chosen -> chosenExperts.add(chosen.getExpert()));
      if (decision.getReplyTo() != null) {
        replyTopics.add(decision.getReplyTo());
      }
    }
  }

  private static String describe(byte[] key) {
    return key == null ? "with no key" : "'" + new String(key, StandardCharsets.UTF_8) + "'";
  }

  /** Whether {@code needle} occurs in {@code haystack}. */
  static boolean contains(byte[] haystack, byte[] needle) {
    if (haystack == null || needle.length == 0 || haystack.length < needle.length) {
      return false;
    }
    byte first = needle[0];
    for (int i = 0, last = haystack.length - needle.length; i <= last; i++) {
      if (haystack[i] == first
          && Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }
}
