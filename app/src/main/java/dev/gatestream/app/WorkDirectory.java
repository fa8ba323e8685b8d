package dev.gatestream.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.file.PathUtils;

/**
 * A job's scratch directory (state stores, checkpoints, generated logs): created fresh for one run
 * and deleted with everything in it when the run ends, however it ends.
 */
public final class WorkDirectory implements AutoCloseable {

  private final Path path;

  private WorkDirectory(Path path) {
    this.path = path;
  }

  /** A new directory under {@code parent} whose name starts with {@code prefix}. */
  public static WorkDirectory create(Path parent, String prefix) {
    try {
      Files.createDirectories(parent);
      return new WorkDirectory(Files.createTempDirectory(parent, prefix));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory under " + parent, e);
    }
  }

  /** The system's temporary directory: where work directories go unless a caller says otherwise. */
  public static Path systemTemp() {
    return Path.of(System.getProperty("java.io.tmpdir"));
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      if (Files.exists(path)) {
        PathUtils.deleteDirectory(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the work directory " + path, e);
    }
  }
}
