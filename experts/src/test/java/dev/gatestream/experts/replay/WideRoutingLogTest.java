package dev.gatestream.experts.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class WideRoutingLogTest {

  static final Path FIXTURE = fixture("routing/routellm-gsm8k-60.csv");
  static final String MIXTRAL = "mistralai/Mixtral-8x7B-Instruct-v0.1";
  static final String GPT4 = "gpt-4-1106-preview";
  private static final Path SHARED = Path.of("../../shared/data/routing");

  static Path fixture(String resource) {
    try {
      return Path.of(
          Objects.requireNonNull(WideRoutingLogTest.class.getClassLoader().getResource(resource))
              .toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static WideRoutingLog parse(String csv) throws IOException {
    return WideRoutingLog.read(new StringReader(csv), "test.csv");
  }

  @Test
  void readsTheFixtureWithMultiLineResponses() throws IOException {
    try (WideRoutingLog log = WideRoutingLog.open(FIXTURE)) {
      assertThat(log.experts()).containsExactly(MIXTRAL, GPT4);
      assertThat(log.hasResponse(GPT4)).isTrue();
      assertThat(log.hasCost(GPT4)).isFalse();
      assertThat(log.hasLatency(GPT4)).isFalse();

      List<WideRoutingLog.Row> rows = log.rows().toList();

      assertThat(rows).hasSize(60);
      WideRoutingLog.Row first = rows.get(0);
      assertThat(first.id()).isEqualTo("gsm8k.0");
      assertThat(first.line()).isEqualTo(2);
      assertThat(first.task()).isEqualTo("gsm8k");
      assertThat(first.prompt()).startsWith("Janet’s ducks lay 16 eggs per day.");
      assertThat(first.quality(MIXTRAL)).isEqualTo(1.0);
      assertThat(first.response(MIXTRAL).orElseThrow())
          .startsWith(" Janet starts with 16 eggs per day.\nShe eats 3")
          .endsWith("#### 18");
      assertThat(first.cost(GPT4)).isEmpty();
      // Records span lines: the second starts after the first's multi-line responses.
      assertThat(rows.get(1).id()).isEqualTo("gsm8k.1");
      assertThat(rows.get(1).line()).isGreaterThan(first.line() + 5);
      assertThat(rows.get(4).qualities()).containsExactly(0.0, 1.0);
    }
  }

  @Test
  void readsAGzippedLogLikeThePlainOne(@TempDir Path dir) throws IOException {
    Path gzipped = dir.resolve("log.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
      Files.copy(FIXTURE, out);
    }
    try (WideRoutingLog plain = WideRoutingLog.open(FIXTURE);
        WideRoutingLog log = WideRoutingLog.open(gzipped)) {
      assertThat(log.experts()).isEqualTo(plain.experts());
      assertThat(log.rows().map(WideRoutingLog.Row::prompt).toList())
          .hasSize(60)
          .isEqualTo(plain.rows().map(WideRoutingLog.Row::prompt).toList());
    }
  }

  @Test
  void readsQuotedFieldsAndOptionalColumns() throws IOException {
    String csv =
        "id,prompt,task,org/a-1.5,b,org/a-1.5|cost,b|latency_ms,b|response\n"
            + "q1,\"Say \"\"hi\"\", then\nstop\",chat,0.25,,0.002,1500,\"hi, \"\"you\"\"\"\n"
            + "q2,plain,chat,1,0.5,,,\n";
    try (WideRoutingLog log = parse(csv)) {
      assertThat(log.experts()).containsExactly("org/a-1.5", "b");
      assertThat(log.hasCost("org/a-1.5")).isTrue();
      assertThat(log.hasCost("b")).isFalse();
      List<WideRoutingLog.Row> rows = log.rows().toList();

      WideRoutingLog.Row q1 = rows.get(0);
      assertThat(q1.prompt()).isEqualTo("Say \"hi\", then\nstop");
      assertThat(q1.quality("org/a-1.5")).isEqualTo(0.25);
      assertThat(q1.quality("b")).isNaN();
      assertThat(q1.cost("org/a-1.5")).isEqualTo(OptionalDouble.of(0.002));
      assertThat(q1.latencyMs("b")).isEqualTo(OptionalLong.of(1500));
      assertThat(q1.response("b")).contains("hi, \"you\"");
      WideRoutingLog.Row q2 = rows.get(1);
      assertThat(q2.line()).isEqualTo(4);
      assertThat(q2.cost("org/a-1.5")).isEmpty();
      assertThat(q2.latencyMs("b")).isEmpty();
      assertThat(q2.response("b")).isEmpty();
    }
  }

  static Stream<Arguments> malformedRows() {
    return Stream.of(
        Arguments.of(
            "id,prompt,task,a\nq1,p,t,0.5\nq2,p,t,0.5,0.7\n",
            "test.csv line 3: 5 fields where the header has 4"),
        Arguments.of(
            "id,prompt,task,a\nq1,p,t,high\n",
            "test.csv line 2: column 'a': 'high' is not a number in [0.0, 1.0]"),
        Arguments.of(
            "id,prompt,task,a\n\nq1,p,t,1.5\n",
            "test.csv line 3: column 'a': '1.5' is not a number in [0.0, 1.0]"),
        Arguments.of(
            "id,prompt,task,a,a|cost\nq1,p,t,1,-2\n",
            "test.csv line 2: column 'a|cost': '-2' is not a number in [0.0, Infinity]"),
        Arguments.of("id,prompt,task,a\n,p,t,1\n", "test.csv line 2: empty id"),
        Arguments.of(
            "id,prompt,task,a\nq1,p,t,1\nq2,\"open,t,1\nq3,p,t,1\n",
            "test.csv line 3: not valid CSV: Missing closing quote"));
  }

  @ParameterizedTest
  @MethodSource("malformedRows")
  void reportsMalformedRowsWithTheirLine(String csv, String message) throws IOException {
    try (WideRoutingLog log = parse(csv)) {
      assertThatThrownBy(() -> log.rows().toList())
          .isInstanceOf(RoutingLogFormatException.class)
          .hasMessageStartingWith(message);
    }
  }

  static Stream<Arguments> badHeaders() {
    return Stream.of(
        Arguments.of("prompt,id,task,a", "the header must start with id,prompt,task"),
        Arguments.of(
            "id,prompt,task",
            "the header must start with id,prompt,task and name at" + " least one expert"),
        Arguments.of("id,prompt,task,a,a", "expert 'a' has two columns"),
        Arguments.of(
            "id,prompt,task,a,b|cost",
            "column 'b|cost' is about an expert with no" + " quality column"),
        Arguments.of("id,prompt,task,a,a|price", "column 'a|price' has an unknown suffix"),
        Arguments.of("id,prompt,task,a,a|cost,a|cost", "column 'a|cost' appears twice"));
  }

  @ParameterizedTest
  @MethodSource("badHeaders")
  void reportsBadHeaders(String header, String message) {
    assertThatThrownBy(() -> parse(header + "\n"))
        .isInstanceOf(RoutingLogFormatException.class)
        .hasMessageStartingWith("test.csv line 1: " + message);
  }

  @Test
  void ignoresAByteOrderMark() throws IOException {
    try (WideRoutingLog log = parse("\uFEFFid,prompt,task,a\nq,p,t,1\n")) {
      assertThat(log.rows().toList())
          .singleElement()
          .satisfies(row -> assertThat(row.quality("a")).isEqualTo(1.0));
    }
  }

  @Test
  void unknownExpertIsAnError() throws IOException {
    try (WideRoutingLog log = WideRoutingLog.open(FIXTURE)) {
      WideRoutingLog.Row row = log.iterator().next();
      assertThatThrownBy(() -> row.quality("gpt-5"))
          .hasMessageContaining("no expert 'gpt-5' in this log");
    }
  }

  @Test
  void aLogIsReadOnce() throws IOException {
    try (WideRoutingLog log = WideRoutingLog.open(FIXTURE)) {
      log.rows().findFirst();
      assertThatThrownBy(log::iterator).isInstanceOf(IllegalStateException.class);
    }
  }

  /** Every shared log parses whole, with the row counts its README gives. */
  @ParameterizedTest
  @CsvSource({
    "routellm-mmlu.csv, 14042, 2",
    "routellm-gsm8k.csv, 1319, 2",
    "model7-train.csv, 7598, 7",
    "model7-test.csv, 13002, 7",
  })
  void readsTheSharedLogs(String file, long rows, int experts) throws IOException {
    Path path = SHARED.resolve(file);
    assumeTrue(Files.isRegularFile(path), "shared data not present: " + path);
    try (WideRoutingLog log = WideRoutingLog.open(path);
        Stream<WideRoutingLog.Row> all = log.rows()) {
      assertThat(log.experts()).hasSize(experts);
      assertThat(all.filter(r -> !Double.isNaN(r.qualities()[0])).count()).isEqualTo(rows);
    }
  }
}
