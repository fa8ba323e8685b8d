package dev.gatestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.config.ConfigLoader;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.BackendSettings;
import dev.gatestream.experts.ExpertSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's examples run on a fresh clone: everything they read is inside the project. */
class ExamplesTest {

  private static final Path HOME = GlobalOptions.home();
  private static final Path EXAMPLES = HOME.resolve("examples");

  @Test
  void theGsm8kExampleReplaysBothModelsFromTheBundledSlice() {
    GatestreamConfig config =
        new ConfigLoader(Map.of()).load(EXAMPLES.resolve("gsm8k.properties"), Map.of());

    List<ExpertSpec> experts = ExpertCatalog.load(config, HOME);

    assertThat(experts)
        .extracting(ExpertSpec::name)
        .containsExactly("mistralai/Mixtral-8x7B-Instruct-v0.1", "gpt-4-1106-preview");
    assertThat(experts)
        .allSatisfy(
            expert -> {
              assertThat(expert.backend()).isInstanceOf(BackendSettings.Replay.class);
              assertThat(((BackendSettings.Replay) expert.backend()).logs())
                  .containsExactly(EXAMPLES.resolve("gsm8k/routellm-gsm8k-200.csv"))
                  .allSatisfy(log -> assertThat(log).isRegularFile());
            });
  }

  @Test
  void theQuestionsAreTheSlicesRows() throws IOException {
    List<String> questionIds = ids(EXAMPLES.resolve("gsm8k/questions.csv"));

    assertThat(questionIds).hasSize(200).startsWith("gsm8k.0").endsWith("gsm8k.199");
    assertThat(ids(EXAMPLES.resolve("gsm8k/routellm-gsm8k-200.csv"))).containsAll(questionIds);
  }

  @Test
  void noExampleReadsOutsideTheProject() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      List<Path> settings =
          files
              .filter(
                  file ->
                      file.toString().endsWith(".properties") || file.toString().endsWith(".json"))
              .toList();
      assertThat(settings)
          .isNotEmpty()
          .allSatisfy(
              file -> assertThat(Files.readString(file)).as(file.toString()).doesNotContain("../"));
    }
  }

  private static List<String> ids(Path csv) throws IOException {
    List<String> ids = new ArrayList<>();
    try (MappingIterator<Map<String, String>> rows =
        new CsvMapper()
            .readerForMapOf(String.class)
            .with(CsvSchema.emptySchema().withHeader())
            .readValues(csv.toFile())) {
      rows.forEachRemaining(row -> ids.add(row.get("id")));
    }
    return ids;
  }
}
