package dev.gatestream.app.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenIdsTest {

  @TempDir Path dir;

  @Test
  void tellsAnIdSeenBeforeFromANewOneAndLeavesNothingBehind() throws Exception {
    try (SeenIds seen = SeenIds.open(dir)) {
      // Past one memtable, so that some ids are answered from files on disk.
      for (int i = 0; i < 300_000; i++) {
        assertThat(seen.add("request-" + i)).isTrue();
      }
      assertThat(seen.add("request-0")).isFalse();
      assertThat(seen.add("request-299999")).isFalse();
      assertThat(seen.add("request-300000")).isTrue();
      assertThat(seen.add("rêquest-0")).isTrue();
      assertThat(seen.add("rêquest-0")).isFalse();
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }
}
