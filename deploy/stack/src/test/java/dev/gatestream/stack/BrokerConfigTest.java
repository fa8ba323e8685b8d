package dev.gatestream.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

  private final StackSettings settings =
      new StackSettings(
          Path.of("/opt/gs"),
          Path.of("/opt/gs/.gatestream"),
          "127.0.0.1",
          19092,
          19093,
          18085,
          256,
          256,
          Duration.ofSeconds(60));

  private Properties rendered(StackSettings s, Path dataDir) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(BrokerConfig.renderServerProperties(s, 1, dataDir)));
    return p;
  }

  @Test
  void rendersSingleNodeKraftCombinedMode() throws IOException {
    Properties p = rendered(settings, Path.of("/opt/gs/.gatestream/kafka"));

    assertThat(p.getProperty("process.roles")).isEqualTo("broker,controller");
    assertThat(p.getProperty("node.id")).isEqualTo("1");
    assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    assertThat(p.getProperty("controller.listener.names")).isEqualTo("CONTROLLER");
    assertThat(p.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
    assertThat(p.getProperty("listener.security.protocol.map"))
        .contains("CONTROLLER:PLAINTEXT", "PLAINTEXT:PLAINTEXT");
    assertThat(p.getProperty("log.dirs")).isEqualTo("/opt/gs/.gatestream/kafka");
  }

  @Test
  void internalTopicsFitOneBroker() throws IOException {
    Properties p = rendered(settings, Path.of("/d/kafka"));

    assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
    assertThat(p.getProperty("transaction.state.log.replication.factor")).isEqualTo("1");
    assertThat(p.getProperty("transaction.state.log.min.isr")).isEqualTo("1");
    assertThat(p.getProperty("share.coordinator.state.topic.replication.factor")).isEqualTo("1");
    assertThat(p.getProperty("default.replication.factor")).isEqualTo("1");
    assertThat(p.getProperty("min.insync.replicas")).isEqualTo("1");
    assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
    assertThat(p.getProperty("auto.create.topics.enable")).isEqualTo("false");
  }

  @Test
  void cleanerBufferFitsSmallHeap() throws IOException {
    Properties p = rendered(settings, Path.of("/d/kafka"));

    long dedupe = Long.parseLong(p.getProperty("log.cleaner.dedupe.buffer.size"));
    assertThat(dedupe).isLessThanOrEqualTo(settings.brokerHeapMb() * 1024L * 1024L / 8);
  }

  @Test
  void followsHostAndPortsOfTheSettings() throws IOException {
    StackSettings other =
        new StackSettings(
            Path.of("/h"),
            Path.of("/h/d"),
            "127.0.0.2",
            29092,
            29093,
            28085,
            256,
            256,
            Duration.ofSeconds(5));
    Properties p = rendered(other, Path.of("/h/d/kafka"));

    assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.2:29093");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.2:29092");
  }

  @Test
  void pathsWithBackslashesAndSpacesSurviveLoading() throws IOException {
    Properties p = rendered(settings, Path.of("/data dir/with\\backslash/kafka"));

    assertThat(p.getProperty("log.dirs")).isEqualTo("/data dir/with\\backslash/kafka");
  }

  @Test
  void log4jConfigWritesFilesOnly() {
    String xml = BrokerConfig.renderLog4j2(Path.of("/d/logs & more"), "broker");

    assertThat(xml)
        .contains("fileName=\"/d/logs &amp; more/broker.log\"")
        .contains("filePattern=\"/d/logs &amp; more/broker.log.%i\"")
        .contains("<PatternLayout pattern=\"[%d] %p %m (%c)%n\"/>")
        .doesNotContain("<Console");
  }

  @Test
  void everyNodeOfThreeVotesInTheQuorumAndListensOnItsOwnPorts() throws IOException {
    StackSettings three = settings.withBrokers(3);

    assertThat(BrokerConfig.quorumVoters(three))
        .isEqualTo("1@127.0.0.1:19093,2@127.0.0.1:19095,3@127.0.0.1:19097");
    Properties second = new Properties();
    second.load(
        new StringReader(BrokerConfig.renderServerProperties(three, 2, Path.of("/d/node-2"))));
    assertThat(second.getProperty("node.id")).isEqualTo("2");
    assertThat(second.getProperty("process.roles")).isEqualTo("broker,controller");
    assertThat(second.getProperty("controller.quorum.voters"))
        .isEqualTo(BrokerConfig.quorumVoters(three));
    assertThat(second.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:19094,CONTROLLER://127.0.0.1:19095");
    assertThat(second.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19094");
    assertThat(second.getProperty("log.dirs")).isEqualTo("/d/node-2");
  }

  @Test
  void withThreeBrokersEveryTopicInternalOnesTooSurvivesOneBrokerDown() throws IOException {
    Properties p = new Properties();
    p.load(
        new StringReader(
            BrokerConfig.renderServerProperties(settings.withBrokers(3), 3, Path.of("/d/n"))));

    assertThat(p.getProperty("default.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("min.insync.replicas")).isEqualTo("2");
    assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("transaction.state.log.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("transaction.state.log.min.isr")).isEqualTo("2");
    assertThat(p.getProperty("share.coordinator.state.topic.replication.factor")).isEqualTo("3");
    assertThat(p.getProperty("unclean.leader.election.enable")).isEqualTo("false");
  }

  @Test
  void leadersMoveWithinTheStagesTransactionTimeoutWhenABrokerDies() throws IOException {
    Properties p = rendered(settings.withBrokers(3), Path.of("/d/n"));
    long quorumFailover =
        Long.parseLong(p.getProperty("controller.quorum.fetch.timeout.ms"))
            + 2 * Long.parseLong(p.getProperty("controller.quorum.election.timeout.ms"));
    long fencing = Long.parseLong(p.getProperty("broker.session.timeout.ms"));

    // streams.transaction.timeout.ms defaults to 10 s; leave clients a few seconds to find leaders
    assertThat(quorumFailover + fencing).isLessThanOrEqualTo(7_000);
  }

  @Test
  void eachNodeLogsToFilesOfItsOwn() {
    assertThat(BrokerConfig.renderLog4j2(Path.of("/d/logs"), "broker-2"))
        .contains("fileName=\"/d/logs/broker-2.log\"")
        .contains("fileName=\"/d/logs/broker-2-state-change.log\"");
  }
}
