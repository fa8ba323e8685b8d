package dev.gatestream.app.score;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The rejects file, in the input's format: {@code line} (where the record starts in the input),
 * {@code reason}, {@code raw} (the record as read: a JSON line as it was, a CSV record re-quoted).
 */
final class RejectWriter implements Closeable {

  private final RowFormat format;
  private final AppendFile file;

  RejectWriter(Path path, RowFormat format, long keep) throws IOException {
    this.format = format;
    this.file = new AppendFile(path, keep);
    if (format == RowFormat.CSV && keep == 0) {
      file.write(ResultWriter.csvLine(List.of("line", "reason", "raw")));
    }
  }

  void write(long line, String reason, String raw) throws IOException {
    if (format == RowFormat.CSV) {
      file.write(ResultWriter.csvLine(List.of(Long.toString(line), reason, raw)));
    } else {
      ObjectNode reject = RowReader.JSON.createObjectNode();
      reject.put("line", line).put("reason", reason).put("raw", raw);
      file.write(RowReader.JSON.writeValueAsString(reject) + "\n");
    }
  }

  long flush() throws IOException {
    return file.flush();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
