package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class PortsTest {

  private static final String HOST = "127.0.0.1";

  @Test
  void portHeldByAListenerIsInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      int port = taken.getLocalPort();

      assertThat(Ports.isFree(HOST, port)).isFalse();
      assertThat(Ports.isListening(HOST, port, 500)).isTrue();
      assertThatThrownBy(() -> Ports.requireFree(HOST, port, "kafka broker"))
          .isInstanceOf(StackException.class)
          .hasMessage("port " + port + " (kafka broker) is already in use by another process");
    }
  }

  @Test
  void listenerOnTheWildcardAddressAlsoCounts() throws IOException {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(0));
      assertThat(Ports.isFree(HOST, taken.getLocalPort())).isFalse();
    }
  }

  @Test
  void releasedPortIsFree() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      port = s.getLocalPort();
    }
    assertThat(Ports.isFree(HOST, port)).isTrue();
    assertThat(Ports.isListening(HOST, port, 200)).isFalse();
    assertThatCode(() -> Ports.requireFree(HOST, port, "schema registry"))
        .doesNotThrowAnyException();
  }
}
