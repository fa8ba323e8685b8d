package dev.gatestream.experts.replay;

import dev.gatestream.experts.replay.DistinctRows.OnRepeat;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wide routing logs read whole and indexed by request id, for replay experts to answer from;
 * several logs (a train and a test split, say) answer as one. Within a log an id's first row
 * answers. Across logs an id may repeat: a request then names its log, else only an id of one log
 * is answered.
 */
public final class ReplayLog {

  private final String source;
  private final List<String> experts = new ArrayList<>();
  private final Map<String, Boolean> hasResponse = new HashMap<>();

  /** Each log under its normalized absolute path. */
  private final Map<String, Indexed> logs = new LinkedHashMap<>();

  /** A log's rows by id, and how it was named. */
  private record Indexed(String source, Map<String, WideRoutingLog.Row> rows) {}

  /**
   * @param onRepeat FAIL refuses any id seen before, in the same log or an earlier one
   */
  private ReplayLog(List<WideRoutingLog> logs, OnRepeat onRepeat) {
    this.source = String.join(", ", logs.stream().map(WideRoutingLog::source).toList());
    for (WideRoutingLog log : logs) {
      for (String expert : log.experts()) {
        if (!experts.contains(expert)) {
          experts.add(expert);
        }
        hasResponse.merge(expert, log.hasResponse(expert), Boolean::logicalOr);
      }
      List<WideRoutingLog.Row> distinct = DistinctRows.read(log, onRepeat).rows();
      if (onRepeat == OnRepeat.FAIL) {
        distinct.forEach(row -> refuseRepeat(log, row));
      }
      Indexed indexed =
          this.logs.computeIfAbsent(
              key(log.source()), k -> new Indexed(log.source(), new HashMap<>()));
      distinct.forEach(row -> indexed.rows().putIfAbsent(row.id(), row));
    }
  }

  private void refuseRepeat(WideRoutingLog log, WideRoutingLog.Row row) {
    for (Indexed earlier : logs.values()) {
      WideRoutingLog.Row first = earlier.rows().get(row.id());
      if (first != null) {
        throw new RoutingLogFormatException(
            log.source(),
            row.line(),
            "id '"
                + row.id()
                + "' again (first on line "
                + first.line()
                + " of "
                + earlier.source()
                + ")");
      }
    }
  }

  /** Reads the logs, each id's first row of each log answering. */
  public static ReplayLog load(Path file) throws IOException {
    return load(List.of(file));
  }

  public static ReplayLog load(List<Path> files) throws IOException {
    return load(files, OnRepeat.SKIP);
  }

  /**
   * @param onRepeat FAIL for logs that must not repeat an id, within or across them
   */
  public static ReplayLog load(List<Path> files, OnRepeat onRepeat) throws IOException {
    List<WideRoutingLog> logs = new ArrayList<>();
    try {
      for (Path file : files) {
        logs.add(WideRoutingLog.open(file));
      }
      return new ReplayLog(logs, onRepeat);
    } finally {
      for (WideRoutingLog log : logs) {
        log.close();
      }
    }
  }

  /** Indexes a log that is open and not yet iterated; the caller closes it. */
  public static ReplayLog index(WideRoutingLog log, OnRepeat onRepeat) {
    return new ReplayLog(List.of(log), onRepeat);
  }

  public String source() {
    return source;
  }

  public List<String> experts() {
    return List.copyOf(experts);
  }

  public boolean hasResponse(String expert) {
    return hasResponse.getOrDefault(expert, false);
  }

  /** The row with this id in the only log that has it. */
  public Optional<WideRoutingLog.Row> row(String id) {
    return row(null, id);
  }

  /**
   * The row with this id in the named log when it is one of these (a path, relative or not);
   * otherwise in the only log that has the id.
   */
  public Optional<WideRoutingLog.Row> row(String log, String id) {
    Indexed named = log == null ? null : logs.get(key(log));
    if (named != null) {
      return Optional.ofNullable(named.rows().get(id));
    }
    List<WideRoutingLog.Row> found =
        logs.values().stream()
            .map(indexed -> indexed.rows().get(id))
            .filter(row -> row != null)
            .toList();
    return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
  }

  /** How many of the logs have a row with this id. */
  public int logsWith(String id) {
    return (int) logs.values().stream().filter(indexed -> indexed.rows().containsKey(id)).count();
  }

  /** Rows indexed, over all logs. */
  public int size() {
    return logs.values().stream().mapToInt(indexed -> indexed.rows().size()).sum();
  }

  /** Logs are named by path, and the same file by the same key however it was written. */
  private static String key(String source) {
    try {
      return Path.of(source).toAbsolutePath().normalize().toString();
    } catch (InvalidPathException e) {
      return source;
    }
  }
}
