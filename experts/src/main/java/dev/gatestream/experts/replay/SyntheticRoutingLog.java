package dev.gatestream.experts.replay;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a wide routing log of made-up traffic, for benchmarks and tests that need many requests
 * the replay experts can answer: each expert's quality is a seeded coin flip per request.
 */
public final class SyntheticRoutingLog {

  private SyntheticRoutingLog() {}

  /** Rows have ids {@code idPrefix + 0 .. idPrefix + (rows - 1)}, tasks task-0..task-4. */
  public static void write(Path file, List<String> experts, int rows, String idPrefix, long seed)
      throws IOException {
    Random random = new Random(seed);
    try (Writer out = Files.newBufferedWriter(file)) {
      out.write("id,prompt,task," + String.join(",", experts) + "\n");
      StringBuilder row = new StringBuilder();
      for (int i = 0; i < rows; i++) {
        row.setLength(0);
        row.append(idPrefix)
            .append(i)
            .append(",\"question, number ")
            .append(i)
            .append("\",task-")
            .append(i % 5);
        for (int e = 0; e < experts.size(); e++) {
          row.append(',').append(random.nextInt(2));
        }
        out.write(row.append('\n').toString());
      }
    }
  }
}
