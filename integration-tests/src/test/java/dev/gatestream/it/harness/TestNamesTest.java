package dev.gatestream.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestNamesTest {

  @Test
  void uniqueAndLegalForKafka() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      names.add(TestNames.unique("orders"));
    }
    assertThat(names).hasSize(1000).allSatisfy(n -> assertThat(n).matches("orders-[a-z0-9]+-\\d+"));
  }

  @Test
  void sanitisesAndShortens() {
    assertThat(TestNames.unique("my topic/with:chars"))
        .matches("my-topic-with-chars-[a-z0-9]+-\\d+");
    assertThat(TestNames.unique("")).startsWith("test-");
    assertThat(TestNames.unique("x".repeat(500)).length()).isLessThan(120);
  }
}
