package dev.gatestream.benchmarks;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.gatestream.experts.replay.WideRoutingLog;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a wide routing log of {@link #ROWS} rows: {@code wideRoutingLog} reads, validates and
 * types every row (qualities, costs, latencies) as replay does; {@code plainCsv} only splits the
 * same text into string arrays with the same CSV library, the floor any reader pays. Rows have
 * multi-line quoted prompts, expert names with '/' and '.', missing values and cost columns. Rows
 * per second = ROWS / time per pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RoutingLogBenchmark {

  static final int ROWS = 10_000;

  @Param({"2", "7"})
  int experts;

  private String log;

  @Setup
  public void write() {
    Random random = new Random(3);
    StringBuilder csv = new StringBuilder("id,prompt,task");
    for (int e = 0; e < experts; e++) {
      csv.append(",org-").append(e).append("/model-").append(e).append(".5b");
    }
    for (int e = 0; e < experts; e++) {
      csv.append(",org-").append(e).append("/model-").append(e).append(".5b|cost");
    }
    csv.append('\n');
    for (int row = 0; row < ROWS; row++) {
      csv.append("q.")
          .append(row)
          .append(",\"Question ")
          .append(row)
          .append(
              ", with a comma,\nand a second line with \"\"quotes\"\" and some more words to read\",task-")
          .append(row % 13);
      for (int e = 0; e < experts; e++) {
        csv.append(',');
        if (random.nextInt(20) > 0) {
          csv.append(random.nextInt(2) == 0 ? "0" : String.valueOf(random.nextDouble()));
        }
      }
      for (int e = 0; e < experts; e++) {
        csv.append(',').append(0.0001 * (e + 1));
      }
      csv.append('\n');
    }
    log = csv.toString();
  }

  @Benchmark
  public long wideRoutingLog() throws IOException {
    try (WideRoutingLog routingLog = WideRoutingLog.read(new StringReader(log), "benchmark")) {
      return routingLog.rows().count();
    }
  }

  @Benchmark
  public long plainCsv() throws IOException {
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
    long rows = 0;
    try (MappingIterator<List<String>> records =
        mapper.readerForListOf(String.class).readValues(log)) {
      while (records.hasNext()) {
        records.next();
        rows++;
      }
    }
    return rows;
  }
}
