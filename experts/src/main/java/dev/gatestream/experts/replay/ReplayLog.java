package dev.gatestream.experts.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Wide routing logs read whole and indexed by request id, for replay experts to answer from; several
 * logs (a train and a test split, say) answer as one, so their request ids must not repeat.
 */
public final class ReplayLog {

  private final String source;
  private final List<String> experts = new ArrayList<>();
  private final Map<String, Boolean> hasResponse = new HashMap<>();
  private final Map<String, WideRoutingLog.Row> rows = new HashMap<>();
  private final Map<String, String> sourceOf = new HashMap<>();

  private ReplayLog(List<WideRoutingLog> logs) {
    this.source = String.join(", ", logs.stream().map(WideRoutingLog::source).toList());
    for (WideRoutingLog log : logs) {
      for (String expert : log.experts()) {
        if (!experts.contains(expert)) {
          experts.add(expert);
        }
        hasResponse.merge(expert, log.hasResponse(expert), Boolean::logicalOr);
      }
      for (WideRoutingLog.Row row : log) {
        WideRoutingLog.Row earlier = rows.putIfAbsent(row.id(), row);
        if (earlier != null) {
          throw new RoutingLogFormatException(log.source(), row.line(), "id '" + row.id()
              + "' again (first on line " + earlier.line() + " of " + sourceOf.get(row.id()) + ")");
        }
        sourceOf.put(row.id(), log.source());
      }
    }
  }

  public static ReplayLog load(Path file) throws IOException {
    return load(List.of(file));
  }

  public static ReplayLog load(List<Path> files) throws IOException {
    List<WideRoutingLog> logs = new ArrayList<>();
    try {
      for (Path file : files) {
        logs.add(WideRoutingLog.open(file));
      }
      return new ReplayLog(logs);
    } finally {
      for (WideRoutingLog log : logs) {
        log.close();
      }
    }
  }

  /** Indexes a log that is open and not yet iterated; the caller closes it. */
  public static ReplayLog index(WideRoutingLog log) {
    return new ReplayLog(List.of(log));
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

  public Optional<WideRoutingLog.Row> row(String requestId) {
    return Optional.ofNullable(rows.get(requestId));
  }

  public int size() {
    return rows.size();
  }
}
