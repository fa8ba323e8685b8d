package dev.gatestream.app.inspect;

import dev.gatestream.app.UserError;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.app.source.TopicRangeReader;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Finds everything a deployment's topics hold about one request: the request, the router's
 * decision, the tasks and the experts' results, the fused result (and its copy on the request's
 * reply topic), the feedback and any dead letter, as one timeline.
 *
 * <p>Each topic is read once, from its beginning or a given time to its end as of the read, with
 * read-committed consumers. Every record of a request is keyed by its id, so where the deployment's
 * producers place records by the default partitioner and a topic still has the partition count of
 * the catalogue, only the partition the id hashes to is read; otherwise all of them.
 */
public final class Inspection {

  /**
   * @param since where the reads begin, null for the topics' beginnings
   * @param allPartitions read every partition even where the key's partition would do (for topics
   *     written by producers with a partitioner of their own)
   * @param experts experts whose task topics to read besides those the request's decision chose
   * @param stallTimeout how long one read may go without progress before it fails
   */
  public record Settings(
      Instant since, boolean allPartitions, List<String> experts, Duration stallTimeout) {

    public Settings {
      experts = List.copyOf(experts);
    }
  }

  private final KafkaClients clients;
  private final Topics topics;
  private final GatestreamSerdes serdes;
  private final Settings settings;
  private final Clock clock;

  public Inspection(
      KafkaClients clients,
      Topics topics,
      GatestreamSerdes serdes,
      Settings settings,
      Clock clock) {
    this.clients = clients;
    this.topics = topics;
    this.serdes = serdes;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * @throws UserError when the id is blank
   * @throws org.apache.kafka.common.KafkaException when a read fails or stalls
   */
  public InspectReport inspect(String requestId, InspectListener listener) {
    if (requestId == null || requestId.isBlank()) {
      throw new UserError("a request id cannot be blank");
    }
    TimelineBuilder timeline = new TimelineBuilder(requestId, topics, serdes);
    String notByKey =
        settings.allPartitions()
            ? "as asked"
            : KeyPartitions.byDefaultPartitioner(clients)
                ? null
                : "the deployment's producers set a partitioner of their own";
    List<TopicRead> reads = new ArrayList<>();
    // Never creates a topic by asking about it, whatever the broker allows.
    try (KafkaConsumer<byte[], byte[]> metadata =
        clients.consumer(
            clients.ids().job("inspect", Long.toString(ProcessHandle.current().pid())),
            null,
            Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      Reader reader = new Reader(metadata, timeline, notByKey, listener, reads);
      reader.read(topics.requests(), TopicRole.REQUESTS);
      reader.read(topics.decisions(), TopicRole.DECISIONS);
      Set<String> experts =
          new LinkedHashSet<>(timeline.chosenExperts().stream().sorted().toList());
      experts.addAll(settings.experts());
      for (String expert : experts) {
        reader.read(topics.expertTasks(expert), TopicRole.TASKS);
      }
      reader.read(topics.expertResults(), TopicRole.RESULTS);
      reader.read(topics.fusedResults(), TopicRole.FUSED);
      for (String replyTopic : timeline.replyTopics().stream().sorted().toList()) {
        // Not in the catalogue, so no partition count to check against: all of them (usually one).
        reader.read(replyTopic, TopicRole.REPLIES, null);
      }
      reader.read(topics.feedback(), TopicRole.FEEDBACK);
      reader.read(topics.deadLetters(), TopicRole.DEAD_LETTERS);
    }
    return new InspectReport(requestId, settings.since(), timeline.timeline(), reads);
  }

  /** Reads topics one by one into the timeline. */
  private final class Reader {

    private final KafkaConsumer<byte[], byte[]> metadata;
    private final TimelineBuilder timeline;
    private final String notByKey;
    private final InspectListener listener;
    private final List<TopicRead> reads;

    Reader(
        KafkaConsumer<byte[], byte[]> metadata,
        TimelineBuilder timeline,
        String notByKey,
        InspectListener listener,
        List<TopicRead> reads) {
      this.metadata = metadata;
      this.timeline = timeline;
      this.notByKey = notByKey;
      this.listener = listener;
      this.reads = reads;
    }

    void read(TopicSpec<?, ?> spec, TopicRole role) {
      read(spec.name(), role, spec.partitions());
    }

    /**
     * @param cataloguePartitions the partition count the catalogue gives the topic, null if it has
     *     none
     */
    void read(String topic, TopicRole role, Integer cataloguePartitions) {
      List<PartitionInfo> infos = metadata.partitionsFor(topic, settings.stallTimeout());
      if (infos == null || infos.isEmpty()) {
        TopicRead missing = TopicRead.missing(topic, role);
        reads.add(missing);
        listener.read(missing);
        return;
      }
      int count = infos.size();
      String allBecause =
          count == 1
              ? null
              : notByKey != null
                  ? notByKey
                  : cataloguePartitions == null
                      ? "not a catalogue topic"
                      : cataloguePartitions != count
                          ? "it has "
                              + count
                              + " partitions where the catalogue says "
                              + cataloguePartitions
                              + ", so older records may sit elsewhere"
                          : null;
      boolean byKey = count > 1 && allBecause == null;
      int keyPartition = KeyPartitions.of(timeline.key(), count);
      IntPredicate partitions = byKey ? partition -> partition == keyPartition : partition -> true;
      List<Integer> chosen =
          infos.stream().map(PartitionInfo::partition).sorted().filter(partitions::test).toList();
      listener.reading(topic, role, chosen, count);

      long started = clock.millis();
      AtomicLong matched = new AtomicLong();
      TopicRange range =
          settings.since() == null
              ? TopicRange.whole(topic)
              : TopicRange.since(topic, settings.since());
      TopicRangeReader.Result result =
          TopicRangeReader.read(
              clients,
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer(),
              range,
              partitions,
              settings.stallTimeout(),
              record -> {
                if (timeline.offer(role, record)) {
                  matched.incrementAndGet();
                }
              });
      TopicRead read =
          new TopicRead(
              topic,
              role,
              true,
              chosen,
              count,
              byKey,
              allBecause,
              result.records(),
              matched.get(),
              clock.millis() - started);
      reads.add(read);
      listener.read(read);
    }
  }
}
