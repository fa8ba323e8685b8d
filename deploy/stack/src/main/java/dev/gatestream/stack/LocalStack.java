package dev.gatestream.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * The local stack: a single-node Kafka KRaft broker and a schema registry, each in its own JVM, started detached
 * (they outlive the JVM that started them) and tracked by pid files under {@code dataDir/run}.
 *
 * <p>Layout of {@code dataDir}: {@code kafka/} (broker data, formatted once), {@code cluster.id},
 * {@code config/} (server.properties and the broker's log4j2 configuration, rewritten on every {@code up}),
 * {@code logs/} (broker.log, registry.log and each child's console output in *.out) and {@code run/} (pid files).
 */
public final class LocalStack {

    public static final String BROKER = "broker";
    public static final String REGISTRY = "registry";

    private static final String MARKER_COMPONENT = "-Dgatestream.stack.component=";
    private static final String MARKER_DATA_DIR = "-Dgatestream.stack.dataDir=";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final long POLL_MILLIS = 200;

    private final StackSettings settings;
    private final Path kafkaDir;
    private final Path configDir;
    private final Path logDir;
    private final Path runDir;
    private final Component broker;
    private final Component registry;

    public LocalStack(StackSettings settings) {
        this.settings = settings;
        Path data = settings.dataDir();
        this.kafkaDir = data.resolve("kafka");
        this.configDir = data.resolve("config");
        this.logDir = data.resolve("logs");
        this.runDir = data.resolve("run");
        this.broker = new Component(BROKER, "kafka broker", bootstrapServers(),
                new PidFile(runDir.resolve("broker.pid")), logDir.resolve("broker.log"), logDir.resolve("broker.out"),
                markers(BROKER));
        this.registry = new Component(REGISTRY, "schema registry", registryUrl(),
                new PidFile(runDir.resolve("registry.pid")), logDir.resolve("registry.log"),
                logDir.resolve("registry.out"), markers(REGISTRY));
    }

    public StackSettings settings() {
        return settings;
    }

    /** {@code host:brokerPort}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return settings.host() + ":" + settings.brokerPort();
    }

    /** Base URL of the registry, e.g. {@code http://127.0.0.1:8085}; the Confluent-compatible API is under /apis/ccompat/v7. */
    public String registryUrl() {
        return "http://" + settings.host() + ":" + settings.registryPort();
    }

    /** The Kafka cluster id, once the data directory has been formatted. */
    public Optional<String> clusterId() {
        Path meta = kafkaDir.resolve("meta.properties");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            props.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(props.getProperty("cluster.id"));
    }

    /**
     * Starts whatever is not running yet (broker first, then registry) and waits until each is ready. Components
     * already running from this data directory are left alone; stale pid files are removed.
     */
    public StackStatus up() throws StackException {
        createDirectories();
        Optional<ProcessHandle> brokerProc = liveOrClearStale(broker);
        Optional<ProcessHandle> registryProc = liveOrClearStale(registry);

        // Everything that must hold before starting anything: built artifacts and free ports.
        if (brokerProc.isEmpty()) {
            requireBuilt(broker, settings.brokerLibDir(), brokerLibPresent(),
                    "kafka broker not built", "mvn -pl deploy/broker package");
            Ports.requireFree(settings.host(), settings.brokerPort(), "kafka broker");
            Ports.requireFree(settings.host(), settings.controllerPort(), "kafka controller");
        }
        if (registryProc.isEmpty()) {
            requireBuilt(registry, settings.registryJar(), Files.isRegularFile(settings.registryJar()),
                    "registry jar not built", "mvn -pl deploy/registry package");
            Ports.requireFree(settings.host(), settings.registryPort(), "schema registry");
        }

        ProcessHandle b = brokerProc.isPresent() ? brokerProc.get() : startBroker();
        awaitReady(broker, b, brokerProc.isEmpty(), this::brokerReady);
        ProcessHandle r = registryProc.isPresent() ? registryProc.get() : startRegistry();
        awaitReady(registry, r, registryProc.isEmpty(), this::registryReady);
        return status();
    }

    /**
     * Stops the processes recorded in this stack's pid files (registry first): SIGTERM, up to 30 s for a clean
     * shutdown, then a forced kill. Removes the pid files. Nothing running is not an error.
     */
    public StackStatus down() throws StackException {
        List<String> failures = new ArrayList<>();
        for (Component c : List.of(registry, broker)) {
            try {
                stop(c);
            } catch (StackException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new StackException(String.join("; ", failures));
        }
        return status();
    }

    /** What runs now, read-only: pid files are inspected, not changed. */
    public StackStatus status() {
        return new StackStatus(List.of(status(broker, settings.brokerPort()), status(registry, settings.registryPort())));
    }

    // ------------------------------------------------------------------------------------------------ broker

    private ProcessHandle startBroker() throws StackException {
        Path serverProperties = configDir.resolve("server.properties");
        Path log4j = configDir.resolve("broker-log4j2.xml");
        try {
            Files.writeString(serverProperties, BrokerConfig.renderServerProperties(settings, kafkaDir));
            Files.writeString(log4j, BrokerConfig.renderLog4j2(logDir));
        } catch (IOException e) {
            throw new StackException("cannot write broker configuration in " + configDir + ": " + e.getMessage(), e);
        }
        formatOnce(serverProperties, log4j);

        List<String> cmd = new ArrayList<>(detachPrefix());
        cmd.add(javaExecutable());
        cmd.add("-Xmx" + settings.brokerHeapMb() + "m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j);
        cmd.add("-Dkafka.logs.dir=" + logDir);
        cmd.addAll(broker.markers);
        cmd.add("-cp");
        cmd.add(settings.brokerLibDir().resolve("*").toString());
        cmd.add("kafka.Kafka");
        cmd.add(serverProperties.toString());
        return launch(broker, cmd);
    }

    /** Formats the KRaft storage exactly once per data directory, with a cluster id generated once and kept. */
    private void formatOnce(Path serverProperties, Path log4j) throws StackException {
        if (Files.isRegularFile(kafkaDir.resolve("meta.properties"))) {
            return;
        }
        String clusterId = clusterIdToFormatWith();
        Path out = logDir.resolve("format.out");
        List<String> cmd = List.of(javaExecutable(), "-Xmx128m", "-Dlog4j2.configurationFile=" + log4j,
                "-cp", settings.brokerLibDir().resolve("*").toString(),
                "kafka.tools.StorageTool", "format", "--cluster-id", clusterId,
                "--config", serverProperties.toString(), "--ignore-formatted");
        try {
            Process p = new ProcessBuilder(cmd).directory(settings.dataDir().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new StackException("formatting kafka storage did not finish within "
                        + seconds(FORMAT_TIMEOUT) + "; see " + out);
            }
            if (p.exitValue() != 0) {
                throw new StackException("formatting kafka storage failed (exit code " + p.exitValue() + "); see " + out);
            }
        } catch (IOException e) {
            throw new StackException("cannot run kafka storage format: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while formatting kafka storage", e);
        }
    }

    private String clusterIdToFormatWith() throws StackException {
        Path file = settings.dataDir().resolve("cluster.id");
        try {
            if (Files.isRegularFile(file)) {
                String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            String id = Uuid.randomUuid().toString();
            Files.writeString(file, id + "\n", StandardCharsets.US_ASCII);
            return id;
        } catch (IOException e) {
            throw new StackException("cannot read or write " + file + ": " + e.getMessage(), e);
        }
    }

    private boolean brokerLibPresent() {
        Path lib = settings.brokerLibDir();
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Listener open, then the broker answers describeCluster with at least one node. */
    private boolean brokerReady(Duration budget) {
        int connectMillis = (int) Math.max(50, Math.min(1000, budget.toMillis()));
        if (!Ports.isListening(settings.host(), settings.brokerPort(), connectMillis)) {
            return false;
        }
        long apiMillis = Math.max(500, Math.min(5000, budget.toMillis()));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "gatestream-stack-readiness");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) apiMillis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) apiMillis);
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        try (Admin admin = Admin.create(props)) {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) apiMillis))
                    .nodes().get(apiMillis, TimeUnit.MILLISECONDS);
            return !nodes.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------- registry

    private ProcessHandle startRegistry() throws StackException {
        List<String> cmd = new ArrayList<>(detachPrefix());
        cmd.add(javaExecutable());
        cmd.add("-Xmx" + settings.registryHeapMb() + "m");
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dquarkus.http.host=" + settings.host());
        cmd.add("-Dquarkus.http.port=" + settings.registryPort());
        cmd.add("-Dquarkus.log.file.enable=true");
        cmd.add("-Dquarkus.log.file.path=" + registry.log);
        cmd.addAll(registry.markers);
        cmd.add("-jar");
        cmd.add(settings.registryJar().toString());
        return launch(registry, cmd);
    }

    private boolean registryReady(Duration budget) {
        long millis = Math.max(200, Math.min(3000, budget.toMillis()));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(millis)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl() + "/health/ready"))
                .timeout(Duration.ofMillis(millis)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    // --------------------------------------------------------------------------------------------- processes

    private ProcessHandle launch(Component c, List<String> cmd) throws StackException {
        try {
            Files.writeString(c.out, "---- " + java.time.Instant.now() + " starting " + c.label + ": "
                            + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            // Output to a file, not a pipe: the child must not depend on (or die with) the JVM that starts it.
            Process p = new ProcessBuilder(cmd).directory(settings.dataDir().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(c.out.toFile()))
                    .start();
            p.getOutputStream().close();
            c.pidFile.write(p.pid());
            return p.toHandle();
        } catch (IOException e) {
            throw new StackException("cannot start " + c.label + ": " + e.getMessage(), e);
        }
    }

    /** Poll {@code probe} until it succeeds; fail fast when the process dies, give up at the start timeout. */
    private void awaitReady(Component c, ProcessHandle proc, boolean startedNow, Probe probe) throws StackException {
        Duration timeout = settings.startTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            if (probe.ready(Duration.ofNanos(Math.max(remaining, 0)))) {
                return;
            }
            if (!proc.isAlive()) {
                deletePidFileQuietly(c);
                throw new StackException(c.label + " exited during startup; see " + logHint(c));
            }
            if (deadline - System.nanoTime() <= 0) {
                if (startedNow) {
                    try {
                        stop(c);
                    } catch (StackException ignored) {
                        // the timeout is the problem to report
                    }
                }
                throw new StackException(c.label + " did not become ready within " + seconds(timeout) + "; see " + logHint(c));
            }
            try {
                // waits at most POLL_MILLIS, returns at once if the process dies meanwhile
                proc.onExit().get(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // still alive: poll again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting for " + c.label + " to become ready", e);
            }
        }
    }

    private void stop(Component c) throws StackException {
        Optional<ProcessHandle> live = c.pidFile.live(c.markers);
        if (live.isPresent()) {
            ProcessHandle p = live.get();
            p.destroy();
            if (!waitForExit(p, STOP_TIMEOUT)) {
                p.destroyForcibly();
                if (!waitForExit(p, KILL_TIMEOUT)) {
                    throw new StackException("could not stop " + c.label + " (pid " + p.pid() + ")");
                }
            }
        }
        try {
            c.pidFile.delete();
        } catch (IOException e) {
            throw new StackException("cannot remove pid file " + c.pidFile.path() + ": " + e.getMessage(), e);
        }
    }

    private static boolean waitForExit(ProcessHandle p, Duration timeout) throws StackException {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !p.isAlive();
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while stopping pid " + p.pid(), e);
        }
    }

    private Optional<ProcessHandle> liveOrClearStale(Component c) throws StackException {
        Optional<ProcessHandle> live = c.pidFile.live(c.markers);
        if (live.isEmpty()) {
            deletePidFile(c);
        }
        return live;
    }

    private ComponentStatus status(Component c, int port) {
        Optional<ProcessHandle> live = c.pidFile.live(c.markers);
        if (live.isPresent()) {
            long pid = live.get().pid();
            String listening = Ports.isListening(settings.host(), port, 500) ? "listening" : "not listening yet";
            return new ComponentStatus(c.name, true, pid, c.endpoint, Procs.rssBytes(pid),
                    listening + "; log " + c.log);
        }
        Optional<Long> recorded = c.pidFile.read();
        String detail = recorded.isPresent()
                ? "not running (stale pid file " + c.pidFile.path() + ": pid " + recorded.get()
                        + " is not this stack's " + c.name + ")"
                : "not running";
        return new ComponentStatus(c.name, false, -1, c.endpoint, -1, detail);
    }

    private void deletePidFile(Component c) throws StackException {
        try {
            c.pidFile.delete();
        } catch (IOException e) {
            throw new StackException("cannot remove pid file " + c.pidFile.path() + ": " + e.getMessage(), e);
        }
    }

    private void deletePidFileQuietly(Component c) {
        try {
            c.pidFile.delete();
        } catch (IOException ignored) {
            // reported by the caller's exception already
        }
    }

    // -------------------------------------------------------------------------------------------------- misc

    private void createDirectories() throws StackException {
        for (Path dir : List.of(settings.dataDir(), kafkaDir, configDir, logDir, runDir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StackException("cannot create directory " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private void requireBuilt(Component c, Path artifact, boolean present, String what, String howToBuild)
            throws StackException {
        if (!present) {
            Path shown = artifact.startsWith(settings.home()) ? settings.home().relativize(artifact) : artifact;
            throw new StackException(what + ": " + shown + " (run: " + howToBuild + ")");
        }
    }

    private String logHint(Component c) {
        if (Files.isRegularFile(c.log)) {
            return c.log + " (console output: " + c.out + ")";
        }
        return c.out.toString();
    }

    private List<String> markers(String component) {
        return List.of(MARKER_COMPONENT + component, MARKER_DATA_DIR + settings.dataDir());
    }

    /**
     * {@code setsid} where available: the child gets its own session, so a terminal's SIGINT/SIGHUP aimed at the
     * command that started it (e.g. {@code gatestream stack up}) does not reach it. setsid execs in place, the pid stays.
     */
    private static List<String> detachPrefix() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return List.of(candidate);
            }
        }
        return List.of();
    }

    private static String javaExecutable() {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return Files.isExecutable(java) ? java.toString() : "java";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @FunctionalInterface
    private interface Probe {
        boolean ready(Duration budget);
    }

    private static final class Component {
        final String name;
        final String label;
        final String endpoint;
        final PidFile pidFile;
        final Path log;
        final Path out;
        final List<String> markers;

        Component(String name, String label, String endpoint, PidFile pidFile, Path log, Path out, List<String> markers) {
            this.name = name;
            this.label = label;
            this.endpoint = endpoint;
            this.pidFile = pidFile;
            this.log = log;
            this.out = out;
            this.markers = markers;
        }
    }
}
