package dev.gatestream.app.score;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file written at its end only, that knows its committed length: a resumed run cuts it back to
 * the length its journal recorded, dropping what was written after the last checkpoint.
 */
final class AppendFile implements Closeable {

  private final FileChannel channel;
  private final OutputStream out;
  private long length;

  /** Opens (creating) the file, cut back to {@code keep} bytes. */
  AppendFile(Path file, long keep) throws IOException {
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    if (channel.size() < keep) {
      channel.close();
      throw new IllegalStateException(
          file
              + " is shorter ("
              + file.toFile().length()
              + " bytes) than its journal"
              + " recorded ("
              + keep
              + "): it was changed outside this run");
    }
    channel.truncate(keep);
    channel.position(keep);
    length = keep;
    out = new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(channel), 1 << 16);
  }

  void write(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write(bytes);
    length += bytes.length;
  }

  long length() {
    return length;
  }

  /** Hands what is buffered to the OS (which keeps it through a kill -9) and returns the length. */
  long flush() throws IOException {
    out.flush();
    return length;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
