package dev.gatestream.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class SharedDataTest {

  @Test
  void missingDataFailsOnCiAndSkipsElsewhere(@TempDir Path dir) {
    Path missing = dir.resolve("model7-train.csv");

    assertThatThrownBy(() -> SharedData.require(missing, Map.of("CI", "true")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("CI is set");
    assertThatThrownBy(() -> SharedData.require(missing, Map.of()))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void ciIsAnyValueButEmptyFalseOrZero() {
    assertThat(SharedData.whenMissing(Map.of("CI", "true"))).isEqualTo(SharedData.WhenMissing.FAIL);
    assertThat(SharedData.whenMissing(Map.of("CI", "1"))).isEqualTo(SharedData.WhenMissing.FAIL);
    assertThat(SharedData.whenMissing(Map.of("CI", "TRUE"))).isEqualTo(SharedData.WhenMissing.FAIL);
    assertThat(SharedData.whenMissing(Map.of())).isEqualTo(SharedData.WhenMissing.SKIP);
    assertThat(SharedData.whenMissing(Map.of("CI", "false")))
        .isEqualTo(SharedData.WhenMissing.SKIP);
    assertThat(SharedData.whenMissing(Map.of("CI", "0"))).isEqualTo(SharedData.WhenMissing.SKIP);
    assertThat(SharedData.whenMissing(Map.of("CI", ""))).isEqualTo(SharedData.WhenMissing.SKIP);
  }

  @Test
  void presentDataIsGivenBackOnCiAndElsewhere(@TempDir Path dir) throws Exception {
    Path present = Files.writeString(dir.resolve("log.csv"), "id\n");

    assertThat(SharedData.require(present, Map.of("CI", "true"))).isEqualTo(present);
    assertThat(SharedData.require(present, Map.of())).isEqualTo(present);
  }
}
