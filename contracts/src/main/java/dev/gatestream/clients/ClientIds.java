package dev.gatestream.clients;

import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.topics.ExpertId;

/**
 * Every application id, consumer group and transactional id of a deployment, derived in one place
 * from its topic prefix: deployments that share a cluster never share a group, and ACLs can be
 * written on the prefix.
 */
public final class ClientIds {

  private final String prefix;

  public ClientIds(String topicPrefix) {
    this.prefix = topicPrefix;
  }

  public static ClientIds of(GatestreamConfig config) {
    return new ClientIds(config.getString(GatestreamConfig.TOPIC_PREFIX));
  }

  /** The router's Kafka Streams application id, which is also its consumer group. */
  public String router() {
    return prefix + "router";
  }

  /** Fusion's Kafka Streams application id, which is also its consumer group. */
  public String fusion() {
    return prefix + "fusion";
  }

  /** The adaptation job's consumer group and transactional id prefix. */
  public String adaptation() {
    return prefix + "adaptation";
  }

  /** The consumer group all instances of an expert share. */
  public String expert(String expertName) {
    return prefix + "expert-" + ExpertId.of(expertName);
  }

  /** The client id of one gateway instance. */
  public String gateway(String instanceId) {
    return prefix + "gateway-" + instanceId;
  }

  /**
   * The client id, and where it needs one the consumer group, of one run of a job: {@code score},
   * {@code replay}, {@code bench}, {@code request}, ...
   */
  public String job(String job, String runId) {
    return prefix + job + "-" + runId;
  }
}
