package dev.gatestream.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What the OS tells about a process: its full command line and its resident memory. */
final class Procs {

  private Procs() {}

  /**
   * Every argument of the process's command line, the executable first; from /proc where there is
   * one.
   */
  static Optional<List<String>> arguments(ProcessHandle process) {
    Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    if (Files.isReadable(cmdline)) {
      try {
        byte[] raw = Files.readAllBytes(cmdline);
        if (raw.length > 0) {
          List<String> args = new ArrayList<>();
          int start = 0;
          for (int i = 0; i < raw.length; i++) {
            if (raw[i] == 0) {
              args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
              start = i + 1;
            }
          }
          if (start < raw.length) {
            args.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
          }
          return Optional.of(args);
        }
      } catch (IOException e) {
        // gone meanwhile, or not ours to read: fall through
      }
    }
    ProcessHandle.Info info = process.info();
    return info.command()
        .map(
            cmd -> {
              List<String> args = new ArrayList<>();
              args.add(cmd);
              info.arguments().ifPresent(a -> args.addAll(Arrays.asList(a)));
              return args;
            });
  }

  /** VmRSS of the process in bytes (from /proc/PID/status), -1 when unknown. */
  static long rssBytes(long pid) {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
          long value = Long.parseLong(parts[0]);
          String unit = parts.length > 1 ? parts[1] : "kB";
          return "kB".equalsIgnoreCase(unit) ? value * 1024 : value;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc, process gone, or unexpected format
    }
    return -1;
  }
}
