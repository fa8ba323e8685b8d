package dev.gatestream.clients;

import dev.gatestream.topics.ExpertId;

/**
 * The service a client acts for, which on a secured cluster is the principal it authenticates as:
 * each stage has its own, so that ACLs can keep an expert from another expert's tasks.
 *
 * @param service the service's name, also the name of its settings file in {@code
 *     client.credentials.dir} ({@code router.properties})
 */
public record ServicePrincipal(String service) {

  public static final ServicePrincipal ROUTER = new ServicePrincipal("router");
  public static final ServicePrincipal FUSION = new ServicePrincipal("fusion");
  public static final ServicePrincipal ADAPTATION = new ServicePrincipal("adaptation");
  public static final ServicePrincipal GATEWAY = new ServicePrincipal("gateway");

  /** Commands and jobs (request, score, replay, bench, topics apply reads). */
  public static final ServicePrincipal CLIENTS = new ServicePrincipal("clients");

  public ServicePrincipal {
    if (service == null || !service.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException("not a service name: " + service);
    }
  }

  /** The workers of one expert. */
  public static ServicePrincipal expert(String expertName) {
    return new ServicePrincipal("expert-" + ExpertId.of(expertName));
  }

  /** The SCRAM user name of this service in a deployment with this topic prefix. */
  public String userName(String topicPrefix) {
    return topicPrefix + service;
  }

  /** Its settings file's name. */
  public String fileName() {
    return service + ".properties";
  }
}
