package dev.gatestream.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes the cluster hold the catalogue's topics: creates what is missing and compares what exists
 * with the catalogue, reporting every difference (drift) rather than ignoring or silently changing
 * it.
 */
public final class TopicApplier {

  /** What happened to one topic. */
  public enum Outcome {
    CREATED,
    UNCHANGED,
    DRIFTED
  }

  /**
   * @param drift what differs from the catalogue, one entry per setting; empty unless DRIFTED
   */
  public record Report(String topic, Outcome outcome, List<String> drift) {}

  private final Admin admin;
  private final Duration timeout;

  public TopicApplier(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  public List<Report> apply(Collection<TopicSpec<?, ?>> topics) {
    Set<String> existing = await(admin.listTopics().names(), "list topics");
    List<Report> reports = new ArrayList<>();
    List<TopicSpec<?, ?>> present = new ArrayList<>();
    List<String> created = new ArrayList<>();
    for (TopicSpec<?, ?> topic : topics) {
      if (existing.contains(topic.name())) {
        present.add(topic);
      } else {
        Report report = create(topic);
        reports.add(report);
        if (report.outcome() == Outcome.CREATED) {
          created.add(topic.name());
        }
      }
    }
    if (!present.isEmpty()) {
      reports.addAll(check(present));
    }
    awaitLeaders(created);
    return reports;
  }

  /**
   * Waits until the broker's metadata has a leader for every partition of the new topics: a client
   * started right after creation may otherwise find no partitions (a Streams global store then
   * fails to start).
   */
  private void awaitLeaders(List<String> names) {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (!names.isEmpty()) {
      try {
        Map<String, TopicDescription> descriptions =
            await(admin.describeTopics(names).allTopicNames(), "describe topics");
        if (descriptions.values().stream()
            .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null))) {
          return;
        }
      } catch (KafkaException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      if (System.nanoTime() > giveUpAt) {
        throw new KafkaException(
            "topics "
                + names
                + " have no leader for every partition after "
                + timeout.toSeconds()
                + "s");
      }
      pause(names);
    }
  }

  private static void pause(List<String> names) {
    try {
      Thread.sleep(100); // a new topic's metadata reaches every broker within moments
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while waiting for topics " + names, e);
    }
  }

  private Report create(TopicSpec<?, ?> topic) {
    Map<String, String> configs = new HashMap<>(topic.configs());
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanupPolicy().configValue());
    NewTopic newTopic =
        new NewTopic(topic.name(), topic.partitions(), topic.replication()).configs(configs);
    try {
      await(admin.createTopics(List.of(newTopic)).all(), "create topic " + topic.name());
      return new Report(topic.name(), Outcome.CREATED, List.of());
    } catch (TopicAlreadyCreated raced) {
      // Another instance created it between our listing and our creation (or the admin client
      // retried a creation whose answer it lost): check it like any other, once the broker knows
      // it.
      return checkWhenKnown(topic);
    }
  }

  private Report checkWhenKnown(TopicSpec<?, ?> topic) {
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return check(List.of(topic)).get(0);
      } catch (KafkaException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > giveUpAt) {
          throw e;
        }
      }
      pause(List.of(topic.name()));
    }
  }

  private List<Report> check(List<TopicSpec<?, ?>> topics) {
    List<String> names = topics.stream().map(TopicSpec::name).toList();
    Map<String, TopicDescription> descriptions =
        await(admin.describeTopics(names).allTopicNames(), "describe topics");
    Map<ConfigResource, Config> configs =
        await(
            admin
                .describeConfigs(
                    names.stream()
                        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                        .toList())
                .all(),
            "describe topic configs");
    List<Report> reports = new ArrayList<>();
    for (TopicSpec<?, ?> topic : topics) {
      TopicDescription description = descriptions.get(topic.name());
      Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
      List<String> drift = drift(topic, description, config);
      reports.add(
          new Report(topic.name(), drift.isEmpty() ? Outcome.UNCHANGED : Outcome.DRIFTED, drift));
    }
    return reports;
  }

  static List<String> drift(TopicSpec<?, ?> topic, TopicDescription description, Config config) {
    List<String> drift = new ArrayList<>();
    int partitions = description.partitions().size();
    if (partitions != topic.partitions()) {
      drift.add("partitions: expected " + topic.partitions() + ", found " + partitions);
    }
    int replication = description.partitions().get(0).replicas().size();
    if (replication != topic.replication()) {
      drift.add("replication: expected " + topic.replication() + ", found " + replication);
    }
    Map<String, String> expected = new HashMap<>(topic.configs());
    expected.put(TopicConfig.CLEANUP_POLICY_CONFIG, topic.cleanupPolicy().configValue());
    expected.forEach(
        (key, value) -> {
          ConfigEntry entry = config.get(key);
          String found = entry == null ? null : entry.value();
          if (!value.equals(found)) {
            drift.add(key + ": expected " + value + ", found " + found);
          }
        });
    return drift;
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new KafkaException(
          "Kafka did not answer '" + what + "' within " + timeout.toSeconds() + "s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) {
        throw new TopicAlreadyCreated();
      }
      throw new KafkaException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while waiting to " + what, e);
    }
  }

  /** Summary line of a list of reports, e.g. "7 topics: 2 created, 4 unchanged, 1 drifted". */
  public static String summary(List<Report> reports) {
    Map<Outcome, Long> counts =
        reports.stream().collect(Collectors.groupingBy(Report::outcome, Collectors.counting()));
    return reports.size()
        + " topics: "
        + counts.getOrDefault(Outcome.CREATED, 0L)
        + " created, "
        + counts.getOrDefault(Outcome.UNCHANGED, 0L)
        + " unchanged, "
        + counts.getOrDefault(Outcome.DRIFTED, 0L)
        + " drifted";
  }

  private static final class TopicAlreadyCreated extends RuntimeException {
    TopicAlreadyCreated() {
      super(null, null, false, false);
    }
  }
}
