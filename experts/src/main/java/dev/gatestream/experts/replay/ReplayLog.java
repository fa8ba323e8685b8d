package dev.gatestream.experts.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A wide routing log read whole and indexed by request id, for replay experts to answer from. */
public final class ReplayLog {

  private final String source;
  private final List<String> experts;
  private final Map<String, Boolean> hasResponse = new HashMap<>();
  private final Map<String, WideRoutingLog.Row> rows = new HashMap<>();

  private ReplayLog(WideRoutingLog log) {
    this.source = log.source();
    this.experts = log.experts();
    experts.forEach(e -> hasResponse.put(e, log.hasResponse(e)));
    for (WideRoutingLog.Row row : log) {
      WideRoutingLog.Row earlier = rows.putIfAbsent(row.id(), row);
      if (earlier != null) {
        throw new RoutingLogFormatException(source, row.line(), "id '" + row.id()
            + "' again (first on line " + earlier.line() + ")");
      }
    }
  }

  public static ReplayLog load(Path file) throws IOException {
    try (WideRoutingLog log = WideRoutingLog.open(file)) {
      return new ReplayLog(log);
    }
  }

  /** Indexes a log that is open and not yet iterated; the caller closes it. */
  public static ReplayLog index(WideRoutingLog log) {
    return new ReplayLog(log);
  }

  public String source() {
    return source;
  }

  public List<String> experts() {
    return experts;
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
