package dev.gatestream.streams.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdminTopicDirectoryTest {

  private final Set<String> onCluster = new HashSet<>(Set.of("t-replies-a"));
  private final List<String> lookedUp = new ArrayList<>();
  private boolean clusterDown;
  private final AtomicLong now = new AtomicLong(1_000);
  private final AdminTopicDirectory directory =
      new AdminTopicDirectory(
          new AdminTopicDirectory.Cluster() {
            @Override
            public Collection<String> topics() {
              if (clusterDown) {
                throw new IllegalStateException("timed out");
              }
              return Set.copyOf(onCluster);
            }

            @Override
            public boolean exists(String topic) {
              lookedUp.add(topic);
              if (clusterDown) {
                throw new IllegalStateException("timed out");
              }
              return onCluster.contains(topic);
            }
          },
          Duration.ofSeconds(30),
          now::get,
          Executors.newSingleThreadScheduledExecutor(),
          () -> {});

  @AfterEach
  void close() {
    directory.close();
  }

  @Test
  void listedTopicsCostNoLookupAndNewOnesOneEach() {
    directory.refresh();
    assertThat(directory.exists("t-replies-a")).isTrue();
    assertThat(lookedUp).isEmpty();

    onCluster.add("t-replies-b"); // created after the refresh
    assertThat(directory.exists("t-replies-b")).isTrue();
    assertThat(directory.exists("t-replies-b")).isTrue();
    assertThat(lookedUp).containsExactly("t-replies-b");
  }

  @Test
  void aMissingTopicIsLookedUpOncePerRefreshInterval() {
    directory.refresh();
    assertThat(directory.exists("t-replies-gone")).isFalse();
    now.addAndGet(29_999);
    assertThat(directory.exists("t-replies-gone")).isFalse();
    assertThat(lookedUp).containsExactly("t-replies-gone");

    now.addAndGet(1);
    onCluster.add("t-replies-gone");
    assertThat(directory.exists("t-replies-gone")).isTrue();
  }

  @Test
  void aRefreshForgetsWhatWasMissingAndATopicDeletedSince() {
    onCluster.add("t-replies-b");
    directory.refresh();
    assertThat(directory.exists("t-replies-gone")).isFalse();
    onCluster.add("t-replies-gone");
    onCluster.remove("t-replies-b");
    directory.refresh();

    assertThat(directory.exists("t-replies-gone")).isTrue();
    assertThat(directory.exists("t-replies-b")).isFalse();
  }

  @Test
  void aClusterThatDoesNotAnswerKeepsTheOldListAndUnknownTopicsCountAsMissing() {
    directory.refresh();
    clusterDown = true;
    directory.refresh();

    assertThat(directory.exists("t-replies-a")).isTrue();
    assertThat(directory.exists("t-replies-new")).isFalse();
  }
}
