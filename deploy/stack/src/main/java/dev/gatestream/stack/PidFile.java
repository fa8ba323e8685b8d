package dev.gatestream.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A pid file of one stack component, plus the test that the pid in it still is that component: the
 * process must be alive AND its command line must carry every marker argument the stack put on it
 * (guards against pid reuse).
 */
final class PidFile {

  private final Path path;

  PidFile(Path path) {
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** The pid recorded, empty when there is no file or it does not hold a number. */
  Optional<Long> read() {
    try {
      String text = Files.readString(path, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  void write(long pid) throws IOException {
    Files.createDirectories(path.getParent());
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    Files.writeString(tmp, pid + "\n", StandardCharsets.US_ASCII);
    try {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  void delete() throws IOException {
    Files.deleteIfExists(path);
  }

  /**
   * The live process this file points at, if it is alive and its command line carries all {@code
   * markers}.
   */
  Optional<ProcessHandle> live(List<String> markers) {
    return read()
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(p -> Procs.arguments(p).map(args -> args.containsAll(markers)).orElse(false));
  }
}
