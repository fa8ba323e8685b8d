package dev.gatestream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExpertIdTest {

  private static final Pattern LEGAL_TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]+");

  @Test
  void realModelNamesBecomeTopicSafeIds() {
    assertThat(ExpertId.of("meta/llama-2-70b-chat")).isEqualTo("meta_2Fllama-2-70b-chat");
    assertThat(ExpertId.of("gpt-4-1106-preview")).isEqualTo("gpt-4-1106-preview");
    assertThat(ExpertId.of("mistralai/Mixtral-8x7B-Instruct-v0.1"))
        .isEqualTo("mistralai_2FMixtral-8x7B-Instruct-v0_2E1");
  }

  @Test
  void mappingIsReversibleAndInjectiveEvenForEscapeLookalikes() {
    List<String> names =
        List.of(
            "meta/llama-2-70b-chat",
            "a_2Fb",
            "a/b",
            "a.b",
            "a_b",
            "Qwen2.5-7B",
            "ünïcødé/模型",
            "with space",
            "gpt-4o");
    for (String name : names) {
      String id = ExpertId.of(name);
      assertThat(LEGAL_TOPIC_CHARS.matcher(id).matches()).as(id).isTrue();
      assertThat(id).doesNotContain(".");
      assertThat(ExpertId.nameOf(id)).isEqualTo(name);
    }
    assertThat(names.stream().map(ExpertId::of).distinct()).hasSameSizeAs(names);
  }

  @Test
  void rejectsWhatCannotBeAnId() {
    assertThatThrownBy(() -> ExpertId.of(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ExpertId.of("x".repeat(ExpertId.MAX_LENGTH + 1)))
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> ExpertId.nameOf("bad.id")).hasMessageContaining("not an expert id");
    assertThatThrownBy(() -> ExpertId.nameOf("bad_2")).hasMessageContaining("two hex digits");
    assertThatThrownBy(() -> ExpertId.nameOf("bad_ZZ")).hasMessageContaining("bad escape");
  }
}
