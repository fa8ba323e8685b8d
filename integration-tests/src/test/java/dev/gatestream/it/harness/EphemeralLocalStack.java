package dev.gatestream.it.harness;

import dev.gatestream.stack.LocalStack;
import dev.gatestream.stack.StackException;
import dev.gatestream.stack.StackSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A LocalStack of its own (broker, or brokers, + registry processes) on free ports, with its data
 * under {@code integration-tests/target/}; stopped and deleted on close, or by a shutdown hook if
 * the JVM goes first. Tests of a cluster start one with {@link #startCluster(int)}.
 */
public final class EphemeralLocalStack implements TestStack {

  private static final String HOST = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final int ATTEMPTS = 2;
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final LocalStack stack;
  private final Path dataDir;
  private final Thread shutdownHook;
  private final long startMillis;
  private boolean closed;

  private EphemeralLocalStack(LocalStack stack, Path dataDir, long startMillis) {
    this.stack = stack;
    this.dataDir = dataDir;
    this.startMillis = startMillis;
    this.shutdownHook = new Thread(this::stopQuietly, "gatestream-it-stack-shutdown");
  }

  static EphemeralLocalStack start() {
    return start(false);
  }

  /**
   * @param secure the secured stack (SASL_SSL broker with ACLs, https registry)
   */
  static EphemeralLocalStack start(boolean secure) {
    return start(secure, 1);
  }

  /**
   * A stack of {@code brokers} brokers (each a KRaft voter) and a registry, for this test alone.
   */
  public static EphemeralLocalStack startCluster(int brokers) {
    return start(false, brokers);
  }

  private static EphemeralLocalStack start(boolean secure, int brokers) {
    Path home = home();
    StackException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Path dataDir =
          home.resolve(
              "integration-tests/target/it-stack-"
                  + ProcessHandle.current().pid()
                  + "-"
                  + UUID.randomUUID().toString().substring(0, 8));
      int[] ports = brokers == 1 ? freePorts(3) : clusterPorts(brokers);
      StackSettings settings =
          new StackSettings(
              home,
              dataDir,
              HOST,
              ports[0],
              ports[1],
              ports[2],
              StackSettings.DEFAULT_HEAP_MB,
              StackSettings.DEFAULT_HEAP_MB,
              START_TIMEOUT,
              secure,
              brokers);
      LocalStack stack = new LocalStack(settings);
      long t0 = System.nanoTime();
      EphemeralLocalStack result = null;
      try {
        stack.up();
        result = new EphemeralLocalStack(stack, dataDir, (System.nanoTime() - t0) / 1_000_000);
        Runtime.getRuntime().addShutdownHook(result.shutdownHook);
        return result;
      } catch (StackException e) {
        last = e;
        // stop what did come up; keep the data dir (and its logs) of a failed attempt for diagnosis
        try {
          stack.down();
        } catch (StackException ignored) {
          // the start failure is what matters
        }
        boolean portRace = e.getMessage() != null && e.getMessage().contains("already in use");
        if (!portRace) {
          break;
        }
      }
    }
    throw new IllegalStateException("local test stack did not start: " + last.getMessage(), last);
  }

  public LocalStack localStack() {
    return stack;
  }

  @Override
  public StackEndpoints endpoints() {
    return new StackEndpoints(stack.bootstrapServers(), stack.registryUrl());
  }

  @Override
  public Optional<StackOutages> outages() {
    return Optional.of(
        new StackOutages() {
          @Override
          public void stopRegistry() {
            stop(LocalStack.REGISTRY);
          }

          @Override
          public void stopBroker() {
            stop(LocalStack.BROKER);
          }

          @Override
          public void restart() {
            try {
              // up() starts only what is not running, on the same ports and data.
              stack.up();
            } catch (StackException e) {
              throw new IllegalStateException(
                  "the test stack did not come back: " + e.getMessage(), e);
            }
          }
        });
  }

  /** Stops one component through its pid file, as {@code stack down} would, leaving its data. */
  private void stop(String component) {
    Path pidFile = dataDir.resolve("run").resolve(component + ".pid");
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("no pid of the " + component + " in " + pidFile, e);
    }
    ProcessHandle process =
        ProcessHandle.of(pid)
            .orElseThrow(() -> new IllegalStateException(component + " (pid " + pid + ") is gone"));
    process.destroy();
    try {
      try {
        process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        process.destroyForcibly();
        process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the " + component, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the " + component + " (pid " + pid + ") did not stop", e);
    }
  }

  @Override
  public String describe() {
    return "ephemeral LocalStack (up in "
        + startMillis
        + " ms): bootstrap "
        + stack.bootstrapServers()
        + ", registry "
        + stack.registryUrl()
        + ", data "
        + dataDir;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs anyway
    }
    try {
      stack.down();
    } catch (StackException e) {
      throw new IllegalStateException("local test stack did not stop: " + e.getMessage(), e);
    }
    closed = true;
    deleteRecursively(dataDir);
  }

  private synchronized void stopQuietly() {
    if (closed) {
      return;
    }
    try {
      stack.down();
      closed = true;
    } catch (StackException | RuntimeException e) {
      System.err.println("[gatestream-it] could not stop the local test stack: " + e.getMessage());
    }
  }

  /**
   * The project root: system property gatestream.home (set by failsafe), else the nearest dir with
   * deploy/broker.
   */
  static Path home() {
    String prop = System.getProperty("gatestream.home");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path cwd = Path.of("").toAbsolutePath();
    for (Path d = cwd; d != null; d = d.getParent()) {
      if (Files.isDirectory(d.resolve("deploy/broker"))) {
        return d;
      }
    }
    throw new IllegalStateException(
        "cannot find the project root: set -Dgatestream.home=<dir with deploy/>");
  }

  /**
   * Broker, controller and registry ports for a cluster: node n listens two ports above node n-1
   * (see {@link StackSettings}), so the first node's pair starts a run of free ports.
   */
  private static int[] clusterPorts(int brokers) {
    int span = 2 * brokers;
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = freePorts(1)[0];
      if (first + span > 65535) {
        continue;
      }
      boolean free = true;
      for (int port = first; port < first + span && free; port++) {
        free = isFree(port);
      }
      if (free) {
        int registry;
        do {
          registry = freePorts(1)[0];
        } while (registry >= first && registry < first + span);
        return new int[] {first, first + 1, registry};
      }
    }
    throw new IllegalStateException("no run of " + span + " free ports on " + HOST);
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static int[] freePorts(int n) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot find free ports on " + HOST + ": " + e.getMessage(), e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing a probe socket
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
              Files.delete(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("[gatestream-it] could not delete " + dir + ": " + e.getMessage());
    }
  }
}
