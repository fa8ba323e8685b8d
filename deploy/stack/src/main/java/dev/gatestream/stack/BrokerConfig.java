package dev.gatestream.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a broker is started with: server.properties for a node of a KRaft cluster in combined
 * mode (every node a broker and a controller voter), sized to run in a small heap, and a log4j2
 * configuration that writes to files only. With three brokers every topic, the internal ones too,
 * has three replicas of which two must have each write, so one broker may fail.
 */
final class BrokerConfig {

  /** The node of a single-broker stack, and the first of a cluster. */
  static final int FIRST_NODE = 1;

  /** Dedupe buffer of the log cleaner: the default (128 MB) alone would not fit a 256 MB heap. */
  static final long CLEANER_DEDUPE_BUFFER_BYTES = 8L * 1024 * 1024;

  private BrokerConfig() {}

  /** The static quorum: every node votes, e.g. {@code 1@127.0.0.1:9093,2@127.0.0.1:9095}. */
  static String quorumVoters(StackSettings s) {
    StringBuilder voters = new StringBuilder();
    for (int node = FIRST_NODE; node <= s.brokers(); node++) {
      if (!voters.isEmpty()) {
        voters.append(',');
      }
      voters.append(node).append('@').append(s.host()).append(':').append(s.controllerPort(node));
    }
    return voters.toString();
  }

  /** The settings of the first (or only) broker. */
  static Map<String, String> serverProperties(StackSettings s, Path kafkaDataDir) {
    return serverProperties(s, FIRST_NODE, kafkaDataDir);
  }

  /** The settings of broker {@code node}, in the order they are written. */
  static Map<String, String> serverProperties(StackSettings s, int node, Path kafkaDataDir) {
    String broker = s.host() + ":" + s.brokerPort(node);
    String controller = s.host() + ":" + s.controllerPort(node);
    String replication = Integer.toString(s.replicationFactor());
    String minIsr = Integer.toString(s.minInsyncReplicas());
    Map<String, String> p = new LinkedHashMap<>();
    // KRaft, combined mode, static quorum of every node
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(node));
    p.put("controller.quorum.voters", quorumVoters(s));
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listeners", "PLAINTEXT://" + broker + ",CONTROLLER://" + controller);
    p.put("advertised.listeners", "PLAINTEXT://" + broker);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    // storage
    p.put("log.dirs", kafkaDataDir.toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", replication);
    p.put("min.insync.replicas", minIsr);
    p.put("auto.create.topics.enable", "false");
    // Internal topics as safe as the data: a partition of __transaction_state or __consumer_offsets
    // on one broker alone would stop every transaction or group it coordinates while that broker
    // is down.
    p.put("offsets.topic.replication.factor", replication);
    p.put("transaction.state.log.replication.factor", replication);
    p.put("transaction.state.log.min.isr", minIsr);
    // A replica that missed writes never becomes leader: no committed record is lost.
    p.put("unclean.leader.election.enable", "false");
    // Leaders of a killed broker's partitions move within about 6 s, also when it was the
    // controller leader (quorum election, then fencing): well inside the 10 s transaction timeout
    // of the exactly-once stages (streams.transaction.timeout.ms). With Kafka's defaults (2 s
    // quorum fetch timeout, 9 s broker session) the coordinator aborted a stage's transaction
    // first, fencing its producer; the stage then rebuilt its tasks for more than a minute.
    p.put("controller.quorum.fetch.timeout.ms", "1000");
    p.put("controller.quorum.election.timeout.ms", "500");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "4000");
    // A killed stage's open transaction is aborted as soon as it times out (not up to 10 s later),
    // so read_committed readers behind it wait streams.transaction.timeout.ms at most.
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("share.coordinator.state.topic.replication.factor", replication);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    // quick group formation for local development and tests
    p.put("group.initial.rebalance.delay.ms", "0");
    // small footprint: 2 cores, small heap
    p.put("log.cleaner.dedupe.buffer.size", Long.toString(CLEANER_DEDUPE_BUFFER_BYTES));
    p.put("log.cleaner.threads", "1");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("background.threads", "2");
    return p;
  }

  /**
   * The secured broker: clients on SASL_SSL (SCRAM-SHA-512, the stack's own CA), the controller on
   * SASL/PLAIN with a user only it knows, the standard authorizer with nothing allowed that no ACL
   * grants, and the super user that provisions principals and ACLs.
   */
  static Map<String, String> secureServerProperties(
      StackSettings s, Path kafkaDataDir, StackSecurity security) {
    String broker = s.host() + ":" + s.brokerPort();
    String controller = s.host() + ":" + s.controllerPort();
    Map<String, String> p = serverProperties(s, kafkaDataDir);
    p.put("listeners", "SASL_SSL://" + broker + ",CONTROLLER://" + controller);
    p.put("advertised.listeners", "SASL_SSL://" + broker);
    p.put("inter.broker.listener.name", "SASL_SSL");
    p.put("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
    // clients and the broker itself: SCRAM over TLS
    p.put("sasl.enabled.mechanisms", StackSecurity.MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", StackSecurity.MECHANISM);
    p.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        StackSecurity.scramJaas(StackSecurity.SUPER_USER, security.superUserPassword()));
    p.put("ssl.keystore.location", security.keystore().toString());
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.password", security.storePassword());
    p.put("ssl.key.password", security.storePassword());
    // the broker is its own client (inter-broker listener): it trusts the local CA too
    p.put("ssl.truststore.location", security.truststore().toString());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.password", security.storePassword());
    p.put("ssl.client.auth", "none");
    // controller: PLAIN, since SCRAM credentials live in the metadata the controller serves
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    String controllerPassword = security.controllerPassword();
    p.put(
        "listener.name.controller.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + StackSecurity.CONTROLLER_USER
            + "\" password=\""
            + controllerPassword
            + "\" user_"
            + StackSecurity.CONTROLLER_USER
            + "=\""
            + controllerPassword
            + "\";");
    // authorization
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put(
        "super.users",
        "User:" + StackSecurity.SUPER_USER + ";User:" + StackSecurity.CONTROLLER_USER);
    p.put("allow.everyone.if.no.acl.found", "false");
    return p;
  }

  /**
   * server.properties as text (values escaped so that {@link java.util.Properties#load} reads them
   * back).
   */
  static String renderServerProperties(StackSettings s, int node, Path kafkaDataDir) {
    return render(serverProperties(s, node, kafkaDataDir));
  }

  /** The secured broker's server.properties as text. */
  static String renderSecureServerProperties(
      StackSettings s, Path kafkaDataDir, StackSecurity security) {
    return render(secureServerProperties(s, kafkaDataDir, security));
  }

  private static String render(Map<String, String> properties) {
    StringBuilder out = new StringBuilder();
    out.append("# Written by gatestream-stack on every `stack up`; edits are overwritten.\n");
    out.append("# A node of Kafka in KRaft combined mode (broker + controller).\n");
    properties.forEach((k, v) -> out.append(k).append('=').append(escape(v)).append('\n'));
    return out.toString();
  }

  /**
   * log4j2 configuration of the broker: everything into files under {@code logDir}, nothing on the
   * console.
   */
  static String renderLog4j2(Path logDir, String name) {
    String dir = xml(logDir.toString());
    String file = xml(name);
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Written by gatestream-stack on every `stack up`. Broker logs go to files only. -->
        <Configuration status="WARN">
          <Appenders>
            <RollingFile name="broker" fileName="%1$s/%2$s.log" filePattern="%1$s/%2$s.log.%%i">
              <PatternLayout pattern="[%%d] %%p %%m (%%c)%%n"/>
              <Policies><SizeBasedTriggeringPolicy size="20MB"/></Policies>
              <DefaultRolloverStrategy max="5"/>
            </RollingFile>
            <RollingFile name="stateChange" fileName="%1$s/%2$s-state-change.log" filePattern="%1$s/%2$s-state-change.log.%%i">
              <PatternLayout pattern="[%%d] %%p %%m (%%c)%%n"/>
              <Policies><SizeBasedTriggeringPolicy size="10MB"/></Policies>
              <DefaultRolloverStrategy max="2"/>
            </RollingFile>
          </Appenders>
          <Loggers>
            <Root level="INFO">
              <AppenderRef ref="broker"/>
            </Root>
            <Logger name="state.change.logger" level="INFO" additivity="false">
              <AppenderRef ref="stateChange"/>
            </Logger>
            <Logger name="kafka.request.logger" level="WARN"/>
            <Logger name="org.apache.kafka.common.utils.AppInfoParser" level="WARN"/>
          </Loggers>
        </Configuration>
        """
        .formatted(dir, file);
  }

  private static String escape(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(c);
      }
    }
    if (!out.isEmpty() && out.charAt(0) == ' ') {
      out.insert(0, '\\');
    }
    return out.toString();
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
