package dev.gatestream.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The files the local Flink cluster is started with: its {@code config.yaml} (Flink 2's config
 * file, flat keys) and a log4j2 configuration that writes each process's log to the file its {@code
 * log.file} system property names (the property Flink's REST API serves logs from).
 *
 * <p>Started without Flink's shell scripts, each JVM's memory is set here and by the same numbers
 * on its command line: a TaskManager is told its memory pools explicitly, as the scripts would
 * compute them, and gets a heap of framework + task heap.
 */
final class FlinkConfig {

  static final int JOB_MANAGER_HEAP_MB = 384;
  static final int TASK_MANAGER_FRAMEWORK_HEAP_MB = 64;
  static final int TASK_MANAGER_TASK_HEAP_MB = 256;
  static final int TASK_MANAGER_FRAMEWORK_OFF_HEAP_MB = 64;
  static final int TASK_MANAGER_NETWORK_MB = 32;
  static final int METASPACE_MB = 256;
  static final int JVM_OVERHEAD_MB = 64;

  /**
   * What a Flink distribution passes every JVM on Java 17 (env.java.opts.all of its default
   * config): its serializers and the DataStream V2 translators reach into these JDK packages.
   */
  static final List<String> JVM_OPTIONS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private FlinkConfig() {}

  /** The cluster's settings, in the order they are written. */
  static Map<String, String> settings(FlinkSettings s, Path tmpDir) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", s.host());
    c.put("jobmanager.rpc.port", Integer.toString(s.rpcPort()));
    c.put("jobmanager.bind-host", s.host());
    c.put("rest.address", s.host());
    c.put("rest.bind-address", s.host());
    c.put("rest.port", Integer.toString(s.restPort()));
    c.put("taskmanager.host", s.host());
    c.put("taskmanager.bind-host", s.host());
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slotsPerTaskManager()));
    c.put("parallelism.default", "1");
    // memory pools of a TaskManager (see the class comment): no managed memory, the job keeps its
    // state on the heap (hashmap backend)
    c.put("taskmanager.cpu.cores", Integer.toString(s.slotsPerTaskManager()));
    c.put("taskmanager.memory.framework.heap.size", mb(TASK_MANAGER_FRAMEWORK_HEAP_MB));
    c.put("taskmanager.memory.task.heap.size", mb(TASK_MANAGER_TASK_HEAP_MB));
    c.put("taskmanager.memory.framework.off-heap.size", mb(TASK_MANAGER_FRAMEWORK_OFF_HEAP_MB));
    c.put("taskmanager.memory.task.off-heap.size", "0m");
    c.put("taskmanager.memory.managed.size", "0m");
    c.put("taskmanager.memory.network.min", mb(TASK_MANAGER_NETWORK_MB));
    c.put("taskmanager.memory.network.max", mb(TASK_MANAGER_NETWORK_MB));
    c.put("taskmanager.memory.jvm-metaspace.size", mb(METASPACE_MB));
    c.put("taskmanager.memory.jvm-overhead.min", mb(JVM_OVERHEAD_MB));
    c.put("taskmanager.memory.jvm-overhead.max", mb(JVM_OVERHEAD_MB));
    // A lost TaskManager is noticed in seconds (two failed heartbeats in a row, or 10 s of
    // silence), not after the default 50 s; a TaskManager started before the JobManager answers
    // retries every second.
    c.put("heartbeat.interval", "1000");
    c.put("heartbeat.timeout", "10000");
    c.put("cluster.registration.error-delay", "1000");
    // State: on the heap, checkpoints and savepoints to local files, retained on cancel so that
    // a job submitted again can resume from them.
    c.put("state.backend.type", "hashmap");
    c.put("execution.checkpointing.storage", "filesystem");
    c.put("execution.checkpointing.dir", s.checkpointDir().toUri().toString());
    c.put("execution.checkpointing.savepoint-dir", s.savepointDir().toUri().toString());
    c.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    c.put("execution.checkpointing.num-retained", "2");
    // Restart at once after a failure, backing off to 30 s while it keeps failing.
    c.put("restart-strategy.type", "exponential-delay");
    c.put("restart-strategy.exponential-delay.initial-backoff", "1 s");
    c.put("restart-strategy.exponential-delay.max-backoff", "30 s");
    c.put("io.tmp.dirs", tmpDir.toString());
    c.put("web.tmpdir", tmpDir.toString());
    return c;
  }

  /** config.yaml: one {@code key: 'value'} line per setting. */
  static String renderConfigYaml(FlinkSettings s, Path tmpDir) {
    return "# Written by gatestream-stack on every start of the Flink cluster.\n"
        + settings(s, tmpDir).entrySet().stream()
            .map(e -> e.getKey() + ": '" + e.getValue().replace("'", "''") + "'")
            .collect(Collectors.joining("\n", "", "\n"));
  }

  /** The -Xmx of a TaskManager: framework heap plus task heap. */
  static int taskManagerHeapMb() {
    return TASK_MANAGER_FRAMEWORK_HEAP_MB + TASK_MANAGER_TASK_HEAP_MB;
  }

  /** A TaskManager's JVM limits beside its heap, as Flink's scripts derive them from the pools. */
  static List<String> taskManagerMemoryOptions() {
    return List.of(
        "-Xms" + taskManagerHeapMb() + "m",
        "-XX:MaxDirectMemorySize="
            + (TASK_MANAGER_FRAMEWORK_OFF_HEAP_MB + TASK_MANAGER_NETWORK_MB)
            + "m",
        "-XX:MaxMetaspaceSize=" + METASPACE_MB + "m");
  }

  /** Every process logs to the file its {@code log.file} system property names. */
  static String renderLog4j2() {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Written by gatestream-stack on every start. Each Flink process logs to ${sys:log.file}. -->
        <Configuration status="WARN">
          <Appenders>
            <RollingFile name="file" fileName="${sys:log.file}" filePattern="${sys:log.file}.%i">
              <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c{1} [%t] - %m%n"/>
              <Policies><SizeBasedTriggeringPolicy size="20MB"/></Policies>
              <DefaultRolloverStrategy max="3"/>
            </RollingFile>
          </Appenders>
          <Loggers>
            <Root level="INFO">
              <AppenderRef ref="file"/>
            </Root>
            <Logger name="org.apache.kafka" level="WARN"/>
            <Logger name="org.apache.pekko" level="WARN"/>
          </Loggers>
        </Configuration>
        """;
  }

  private static String mb(int megabytes) {
    return megabytes + "m";
  }
}
