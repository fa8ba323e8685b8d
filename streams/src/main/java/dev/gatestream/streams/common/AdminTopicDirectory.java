package dev.gatestream.streams.common;

import dev.gatestream.config.GatestreamConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's topics as an admin client lists them, re-read in the background every refresh
 * interval, so that a stream thread's question costs a set lookup. A topic not on the list (created
 * since) is looked up once, for at most the lookup timeout; one found missing is remembered as
 * missing until the next refresh, so a stream of requests naming it costs one lookup per interval.
 */
public final class AdminTopicDirectory implements TopicDirectory, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdminTopicDirectory.class);
  private static final int MAX_REMEMBERED_MISSING = 10_000;

  /** The two questions asked of the cluster. */
  interface Cluster {
    Collection<String> topics() throws Exception;

    /** Whether the topic exists; false only when the cluster says it does not. */
    boolean exists(String topic) throws Exception;
  }

  private final Cluster cluster;
  private final long refreshMs;
  private final LongSupplier clock;
  private volatile Set<String> listed = Set.of();
  private final Set<String> foundSince = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> missingUntil = new ConcurrentHashMap<>();
  private final ScheduledExecutorService refresher;
  private final AutoCloseable admin;

  AdminTopicDirectory(
      Cluster cluster,
      Duration refreshEvery,
      LongSupplier clock,
      ScheduledExecutorService refresher,
      AutoCloseable admin) {
    this.cluster = cluster;
    this.refreshMs = refreshEvery.toMillis();
    this.clock = clock;
    this.refresher = refresher;
    this.admin = admin;
  }

  /**
   * Lists the topics once, then keeps the list fresh in the background; owns {@code admin} and
   * closes it.
   */
  public static AdminTopicDirectory start(Admin admin, GatestreamConfig config) {
    Duration refresh =
        Duration.ofMillis(config.getLong(GatestreamConfig.ROUTER_REPLY_TO_REFRESH_MS));
    long timeoutMs = config.getLong(GatestreamConfig.ROUTER_REPLY_TO_LOOKUP_TIMEOUT_MS);
    Cluster cluster =
        new Cluster() {
          @Override
          public Collection<String> topics() throws Exception {
            return admin
                .listTopics()
                .names()
                .get(Math.max(timeoutMs, refresh.toMillis()), TimeUnit.MILLISECONDS);
          }

          @Override
          public boolean exists(String topic) throws Exception {
            try {
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(timeoutMs, TimeUnit.MILLISECONDS);
              return true;
            } catch (ExecutionException e) {
              if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
              }
              throw e;
            }
          }
        };
    ScheduledExecutorService refresher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "gatestream-topic-directory");
              thread.setDaemon(true);
              return thread;
            });
    AdminTopicDirectory directory =
        new AdminTopicDirectory(cluster, refresh, System::currentTimeMillis, refresher, admin);
    directory.refresh();
    refresher.scheduleWithFixedDelay(
        directory::refresh, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    return directory;
  }

  /** Re-reads the list; on failure the old one stays. */
  void refresh() {
    try {
      Set<String> topics = Set.copyOf(cluster.topics());
      listed = topics;
      foundSince.clear();
      missingUntil.clear();
    } catch (Exception e) {
      LOG.warn(
          "cannot list the cluster's topics, keeping the list of {} read before: {}",
          listed.size(),
          e.toString());
    }
  }

  @Override
  public boolean exists(String topic) {
    if (listed.contains(topic) || foundSince.contains(topic)) {
      return true;
    }
    long now = clock.getAsLong();
    Long until = missingUntil.get(topic);
    if (until != null && now < until) {
      return false;
    }
    boolean exists;
    try {
      exists = cluster.exists(topic);
    } catch (Exception e) {
      LOG.warn(
          "cannot learn whether topic {} exists; taking it as missing: {}", topic, e.toString());
      exists = false;
    }
    if (exists) {
      foundSince.add(topic);
    } else {
      if (missingUntil.size() >= MAX_REMEMBERED_MISSING) {
        missingUntil.clear();
      }
      missingUntil.put(topic, now + refreshMs);
    }
    return exists;
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    try {
      admin.close();
    } catch (Exception e) {
      LOG.warn("error closing the topic directory's admin client", e);
    }
  }
}
