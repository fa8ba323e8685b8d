package dev.gatestream.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman CLI, for the container mode of the harness: podman runs the locally built images
 * without a daemon, and kills and restarts containers as an outage test needs (runc and cgroupfs
 * come from /etc/containers/containers.conf, written by deploy/images/setup.sh).
 */
public final class Podman {

  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

  private Podman() {}

  /**
   * Fails with what to do when podman is missing: the container mode was asked for, so it must not
   * be skipped.
   */
  public static void require() {
    try {
      call(List.of("version", "--format", "{{.Client.Version}}"));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "the container mode (-Pimages) needs podman: run deploy/images/setup.sh as root ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** {@code podman ARGS}: its standard output, trimmed; fails with its output if it fails. */
  public static String call(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      // Output is small (ids, inspect fields); read it all before waiting.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + process.exitValue() + ": " + output.trim());
      }
      return output.trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    }
  }

  public static String call(String... args) {
    return call(List.of(args));
  }

  /** Size of a local image in bytes. */
  public static long imageSize(String image) {
    return Long.parseLong(call("image", "inspect", "--format", "{{.Size}}", image));
  }

  /** The last lines a container printed, for a failure's message. */
  public static String tail(String container, int lines) {
    try {
      return call("logs", "--tail", Integer.toString(lines), container);
    } catch (IllegalStateException e) {
      return "(no logs: " + e.getMessage() + ")";
    }
  }

  /**
   * The body of {@code GET http://127.0.0.1:PORT/PATH} as the container itself sees it (bash's
   * /dev/tcp in the container: the image needs no HTTP client, the test no published port); fails
   * unless the answer is 200.
   */
  public static String httpGet(String container, int port, String path) {
    String response =
        call(
            "exec",
            container,
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/"
                + port
                + " && printf 'GET "
                + path
                + " HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && cat <&3");
    int body = response.indexOf("\r\n\r\n");
    String status = response.lines().findFirst().orElse("");
    if (body < 0 || !status.matches("HTTP/1\\.\\d 200.*")) {
      throw new IllegalStateException(
          "GET " + path + " in " + container + " answered: " + status.trim());
    }
    return response.substring(body + 4);
  }

  /** Removes a container whatever its state, with its anonymous volumes; quiet when it is gone. */
  public static void removeQuietly(String container) {
    try {
      call("rm", "-f", "-v", "-t", "5", container);
    } catch (IllegalStateException e) {
      System.out.println("[gatestream-it] could not remove " + container + ": " + e.getMessage());
    }
  }
}
