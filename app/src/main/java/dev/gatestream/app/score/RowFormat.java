package dev.gatestream.app.score;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats batch scoring reads and writes: the output has the input's format. */
public enum RowFormat {
  CSV,
  JSONL;

  /**
   * The format named by {@code override} (csv, jsonl, ndjson), else by the file's extension.
   *
   * @throws IllegalArgumentException naming what was not understood
   */
  public static RowFormat of(Path file, String override) {
    if (override != null) {
      return named(override)
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "unknown format '" + override + "': use csv, jsonl or ndjson"));
    }
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return named(dot < 0 ? "" : name.substring(dot + 1))
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "cannot tell the format of "
                        + file
                        + " from its extension: name it .csv, .jsonl or .ndjson,"
                        + " or pass --format"));
  }

  private static java.util.Optional<RowFormat> named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "csv" -> java.util.Optional.of(CSV);
      case "jsonl", "ndjson" -> java.util.Optional.of(JSONL);
      default -> java.util.Optional.empty();
    };
  }
}
