package dev.gatestream.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Port checks done before starting a component, and the cheap "is something listening" probe. */
final class Ports {

  private Ports() {}

  /**
   * True when {@code host:port} can be bound right now, i.e. no other process listens on it (also
   * not on the wildcard address). Uses the same SO_REUSEADDR default as the servers, so a port in
   * TIME_WAIT counts as free.
   */
  static boolean isFree(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(host), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Throws the one-line "port N (component) is already in use by another process" when it is not
   * free.
   */
  static void requireFree(String host, int port, String component) throws StackException {
    if (!isFree(host, port)) {
      throw new StackException(
          "port " + port + " (" + component + ") is already in use by another process");
    }
  }

  /** True when a TCP connection to {@code host:port} succeeds within {@code timeoutMillis}. */
  static boolean isListening(String host, int port, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getByName(host), port), timeoutMillis);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
