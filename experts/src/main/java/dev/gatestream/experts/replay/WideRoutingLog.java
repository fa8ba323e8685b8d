package dev.gatestream.experts.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/**
 * Reader of a "wide routing log": RFC 4180 CSV with the header {@code
 * id,prompt,task,<expert>,...[,<expert>|cost,...][,<expert>|latency_ms,...]} {@code
 * [,<expert>|response,...][,<expert>|confidence,...]}. Each {@code <expert>} column holds the
 * quality in [0,1] of that expert's answer; the suffixed columns are optional per expert. A
 * confidence column holds what the expert said of its own answer, in [0,1] (e.g. its top class
 * probability), which is not its quality: cascades escalate on it. Empty values mean "not logged".
 *
 * <p>Rows stream: the file is read as it is iterated, once, so logs larger than memory are fine.
 * Every format problem is reported as a {@link RoutingLogFormatException} naming the line.
 */
public final class WideRoutingLog implements Iterable<WideRoutingLog.Row>, Closeable {

  public static final String COST_SUFFIX = "|cost";
  public static final String LATENCY_SUFFIX = "|latency_ms";
  public static final String RESPONSE_SUFFIX = "|response";
  public static final String CONFIDENCE_SUFFIX = "|confidence";

  private static final List<String> FIXED_COLUMNS = List.of("id", "prompt", "task");
  private static final CsvFactory CSV =
      CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

  private final String source;
  private final CsvParser parser;
  private final Columns columns;
  private boolean iterated;
  private long recordLine;

  private WideRoutingLog(String source, CsvParser parser) {
    this.source = source;
    this.parser = parser;
    List<String> header = nextRecord();
    if (header == null) {
      throw new RoutingLogFormatException(source, 1, "empty file, expected a header");
    }
    this.columns = Columns.of(source, header);
  }

  /**
   * Opens a log file and reads its header; the rows are read as they are iterated. A name ending in
   * {@code .gz} is read through gzip, so that bundled logs can stay small.
   */
  public static WideRoutingLog open(Path file) throws IOException {
    Reader reader =
        file.getFileName().toString().endsWith(".gz")
            ? new BufferedReader(
                new InputStreamReader(
                    new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))
            : Files.newBufferedReader(file, StandardCharsets.UTF_8);
    try {
      return read(reader, file.toString());
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /**
   * Reads a log from a reader, which this log closes.
   *
   * @param source how error messages name the log, e.g. its file name
   */
  public static WideRoutingLog read(Reader reader, String source) throws IOException {
    return new WideRoutingLog(source, CSV.createParser(reader));
  }

  /** How error messages name this log, e.g. its file. */
  public String source() {
    return source;
  }

  /** The experts, in column order. */
  public List<String> experts() {
    return columns.experts;
  }

  public boolean hasCost(String expert) {
    return columns.cost[columns.indexOf(expert)] >= 0;
  }

  public boolean hasLatency(String expert) {
    return columns.latency[columns.indexOf(expert)] >= 0;
  }

  public boolean hasConfidence(String expert) {
    return columns.confidence[columns.indexOf(expert)] >= 0;
  }

  public boolean hasResponse(String expert) {
    return columns.response[columns.indexOf(expert)] >= 0;
  }

  /** The rows, read as they are iterated; a log can be iterated once. */
  @Override
  public Iterator<Row> iterator() {
    if (iterated) {
      throw new IllegalStateException(source + " is already being read: a log is iterated once");
    }
    iterated = true;
    return new Iterator<>() {
      private Row next = advance();

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Row row = next;
        next = advance();
        return row;
      }
    };
  }

  /** The rows as a sequential stream; see {@link #iterator()}. */
  public Stream<Row> rows() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public void close() throws IOException {
    parser.close();
  }

  private Row advance() {
    List<String> fields = nextRecord();
    if (fields == null) {
      return null;
    }
    if (fields.size() != columns.width) {
      throw new RoutingLogFormatException(
          source,
          recordLine,
          fields.size()
              + " fields where the header has "
              + columns.width
              + " (an unquoted comma, or a quote left open?)");
    }
    return columns.row(source, recordLine, fields);
  }

  /** The next record's fields, or null at the end of the input. */
  private List<String> nextRecord() {
    try {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      // Right after a record's START_ARRAY the parser stands on the line the record starts on.
      recordLine = parser.currentLocation().getLineNr();
      if (token != JsonToken.START_ARRAY) {
        throw new RoutingLogFormatException(source, recordLine, "unexpected CSV token " + token);
      }
      List<String> fields = new ArrayList<>(columns == null ? 16 : columns.width);
      for (token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
        if (token == null) {
          throw new RoutingLogFormatException(source, recordLine, "the file ends in this record");
        }
        fields.add(parser.getText());
      }
      return fields;
    } catch (JsonProcessingException e) {
      throw new RoutingLogFormatException(
          source,
          recordLine,
          "not valid CSV: "
              + e.getOriginalMessage()
              + " (read up to line "
              + parser.currentLocation().getLineNr()
              + ")",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  /** Where each expert's columns are; -1 when the log lacks that column. */
  private static final class Columns {
    final int width;
    final List<String> experts;
    final Map<String, Integer> index;
    final int[] quality;
    final int[] cost;
    final int[] latency;
    final int[] response;
    final int[] confidence;

    private Columns(int width, List<String> experts, int[] quality) {
      this.width = width;
      this.experts = List.copyOf(experts);
      this.index = new HashMap<>();
      for (int i = 0; i < experts.size(); i++) {
        index.put(experts.get(i), i);
      }
      this.quality = quality;
      this.cost = filled(experts.size());
      this.latency = filled(experts.size());
      this.response = filled(experts.size());
      this.confidence = filled(experts.size());
    }

    static Columns of(String source, List<String> header) {
      if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
        // A byte-order mark, as spreadsheet exports write; not part of the first name.
        header.set(0, header.get(0).substring(1));
      }
      if (header.size() < FIXED_COLUMNS.size() + 1
          || !header.subList(0, FIXED_COLUMNS.size()).equals(FIXED_COLUMNS)) {
        throw new RoutingLogFormatException(
            source,
            1,
            "the header must start with "
                + String.join(",", FIXED_COLUMNS)
                + " and name at least one expert, got "
                + String.join(",", header.subList(0, Math.min(header.size(), 4))));
      }
      Map<String, Integer> qualityColumns = new LinkedHashMap<>();
      for (int c = FIXED_COLUMNS.size(); c < header.size(); c++) {
        String name = header.get(c);
        if (name.isBlank()) {
          throw new RoutingLogFormatException(source, 1, "column " + (c + 1) + " has no name");
        }
        if (!name.contains("|") && qualityColumns.putIfAbsent(name, c) != null) {
          throw new RoutingLogFormatException(source, 1, "expert '" + name + "' has two columns");
        }
      }
      int[] quality = qualityColumns.values().stream().mapToInt(Integer::intValue).toArray();
      Columns columns =
          new Columns(header.size(), new ArrayList<>(qualityColumns.keySet()), quality);
      for (int c = FIXED_COLUMNS.size(); c < header.size(); c++) {
        String name = header.get(c);
        int bar = name.lastIndexOf('|');
        if (bar >= 0) {
          columns.addSuffixed(source, c, name.substring(0, bar), name.substring(bar));
        }
      }
      return columns;
    }

    private void addSuffixed(String source, int column, String expert, String suffix) {
      Integer e = index.get(expert);
      if (e == null) {
        throw new RoutingLogFormatException(
            source,
            1,
            "column '" + expert + suffix + "' is about an expert with no quality column");
      }
      int[] target =
          switch (suffix) {
            case COST_SUFFIX -> cost;
            case LATENCY_SUFFIX -> latency;
            case RESPONSE_SUFFIX -> response;
            case CONFIDENCE_SUFFIX -> confidence;
            default ->
                throw new RoutingLogFormatException(
                    source,
                    1,
                    "column '"
                        + expert
                        + suffix
                        + "' has an unknown suffix (expected "
                        + COST_SUFFIX
                        + ", "
                        + LATENCY_SUFFIX
                        + ", "
                        + RESPONSE_SUFFIX
                        + " or "
                        + CONFIDENCE_SUFFIX
                        + ")");
          };
      if (target[e] >= 0) {
        throw new RoutingLogFormatException(
            source, 1, "column '" + expert + suffix + "' appears twice");
      }
      target[e] = column;
    }

    int indexOf(String expert) {
      Integer i = index.get(expert);
      if (i == null) {
        throw new IllegalArgumentException(
            "no expert '" + expert + "' in this log; it has " + experts);
      }
      return i;
    }

    Row row(String source, long line, List<String> fields) {
      String id = fields.get(0);
      if (id.isBlank()) {
        throw new RoutingLogFormatException(source, line, "empty id");
      }
      int n = experts.size();
      double[] q = new double[n];
      double[] c = new double[n];
      double[] l = new double[n];
      String[] r = new String[n];
      double[] k = new double[n];
      for (int e = 0; e < n; e++) {
        k[e] = number(source, line, fields, confidence[e], 0, 1);
        q[e] = number(source, line, fields, quality[e], 0, 1);
        c[e] = number(source, line, fields, cost[e], 0, Double.POSITIVE_INFINITY);
        l[e] = number(source, line, fields, latency[e], 0, Double.POSITIVE_INFINITY);
        String text = response[e] < 0 ? "" : fields.get(response[e]);
        r[e] = text.isEmpty() ? null : text;
      }
      return new Row(this, line, id, fields.get(1), fields.get(2), q, c, l, r, k);
    }

    private double number(
        String source, long line, List<String> fields, int column, double min, double max) {
      if (column < 0 || fields.get(column).isBlank()) {
        return Double.NaN;
      }
      String text = fields.get(column).strip();
      double value;
      try {
        value = Double.parseDouble(text);
      } catch (NumberFormatException e) {
        value = Double.NaN;
      }
      if (!(value >= min && value <= max)) {
        throw new RoutingLogFormatException(
            source,
            line,
            "column '"
                + columnName(column)
                + "': '"
                + abbreviate(text)
                + "' is not a number in ["
                + min
                + ", "
                + max
                + "]");
      }
      return value;
    }

    private String columnName(int column) {
      for (int e = 0; e < experts.size(); e++) {
        String expert = experts.get(e);
        if (quality[e] == column) {
          return expert;
        } else if (cost[e] == column) {
          return expert + COST_SUFFIX;
        } else if (latency[e] == column) {
          return expert + LATENCY_SUFFIX;
        } else if (confidence[e] == column) {
          return expert + CONFIDENCE_SUFFIX;
        }
      }
      return "#" + (column + 1);
    }

    private static String abbreviate(String text) {
      return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static int[] filled(int n) {
      int[] columns = new int[n];
      Arrays.fill(columns, -1);
      return columns;
    }
  }

  /** One logged query and what each expert made of it. */
  public static final class Row {
    private final Columns columns;
    private final long line;
    private final String id;
    private final String prompt;
    private final String task;
    private final double[] quality;
    private final double[] cost;
    private final double[] latency;
    private final String[] response;
    private final double[] confidence;

    private Row(
        Columns columns,
        long line,
        String id,
        String prompt,
        String task,
        double[] quality,
        double[] cost,
        double[] latency,
        String[] response,
        double[] confidence) {
      this.columns = columns;
      this.line = line;
      this.id = id;
      this.prompt = prompt;
      this.task = task;
      this.quality = quality;
      this.cost = cost;
      this.latency = latency;
      this.response = response;
      this.confidence = confidence;
    }

    /** The line of the file on which this row starts. */
    public long line() {
      return line;
    }

    public String id() {
      return id;
    }

    public String prompt() {
      return prompt;
    }

    public String task() {
      return task;
    }

    /** The experts of the log, in the order of {@link #qualities()}. */
    public List<String> experts() {
      return columns.experts;
    }

    /** The expert's quality in [0,1], or NaN when the log has none for this row. */
    public double quality(String expert) {
      return quality[columns.indexOf(expert)];
    }

    /** Every expert's quality, in {@link #experts()} order, NaN where missing. */
    public double[] qualities() {
      return quality.clone();
    }

    public OptionalDouble cost(String expert) {
      double value = cost[columns.indexOf(expert)];
      return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    public OptionalLong latencyMs(String expert) {
      double value = latency[columns.indexOf(expert)];
      return Double.isNaN(value) ? OptionalLong.empty() : OptionalLong.of(Math.round(value));
    }

    /** The confidence the expert reported with its answer, when the log has it. */
    public OptionalDouble confidence(String expert) {
      double value = confidence[columns.indexOf(expert)];
      return Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    public Optional<String> response(String expert) {
      return Optional.ofNullable(response[columns.indexOf(expert)]);
    }
  }
}
