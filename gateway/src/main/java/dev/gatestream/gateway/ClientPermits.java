package dev.gatestream.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many calls each client has in flight, held to a limit per client so that one caller cannot
 * take every permit of the gateway. A client with none in flight is forgotten.
 */
final class ClientPermits {

  private final int perClient;
  private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

  ClientPermits(int perClient) {
    if (perClient < 1) {
      throw new IllegalArgumentException("perClient must be at least 1, not " + perClient);
    }
    this.perClient = perClient;
  }

  int perClient() {
    return perClient;
  }

  /** Takes one of the client's permits; false when it already holds all of them. */
  boolean tryAcquire(String client) {
    boolean[] taken = {false};
    inFlight.compute(
        client,
        (name, held) -> {
          int now = held == null ? 0 : held;
          if (now >= perClient) {
            return now;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  void release(String client) {
    inFlight.computeIfPresent(client, (name, held) -> held <= 1 ? null : held - 1);
  }

  /** Calls in flight of this client. */
  int held(String client) {
    return inFlight.getOrDefault(client, 0);
  }
}
