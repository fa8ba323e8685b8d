package dev.gatestream.app;

import dev.gatestream.app.observability.MetricsEndpoint;
import dev.gatestream.app.observability.Observability;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.Pipeline;
import dev.gatestream.app.pipeline.Pipeline.Stage;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.serdes.SchemaApplier;
import dev.gatestream.serdes.SchemaRegistryAdmin;
import dev.gatestream.stack.StackException;
import dev.gatestream.stack.StackStatus;
import dev.gatestream.topics.TopicApplier;
import dev.gatestream.topics.TopicSpec;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;

/**
 * Brings a deployment up: the local stack, the topic catalogue and its schemas, and the stages of
 * the data plane in this JVM.
 */
public final class Provisioning {

  private final Deployment deployment;
  private final Path home;

  /**
   * @param home the project root, which relative paths of the configuration resolve against
   */
  public Provisioning(Deployment deployment, Path home) {
    this.deployment = deployment;
    this.home = home;
  }

  /** The local stack once it answers, and how long starting it took. */
  public record StackStart(StackStatus status, Duration took) {}

  /**
   * Starts the local stack if it is not running; empty when the deployment is an existing cluster.
   * A secured stack also gets the principals, ACLs and settings files of the configured services.
   */
  public Optional<StackStart> startStack() throws StackException {
    if (deployment.external()) {
      return Optional.empty();
    }
    long start = System.nanoTime();
    StackStatus status = deployment.localStack().up();
    if (deployment.localStack().security().isPresent()) {
      SecuredStack.provision(
          deployment.config(),
          deployment.localStack(),
          configuredExpertNames(deployment.config()),
          deployment.clientTimeout());
    }
    return Optional.of(new StackStart(status, Duration.ofNanos(System.nanoTime() - start)));
  }

  /**
   * What applying the catalogue did.
   *
   * @param topics per topic: created, unchanged, or drifted from the catalogue (and left alone)
   * @param schemas the value schemas registered
   * @param compatibility the registry's compatibility level for them
   */
  public record TopicsApplied(
      List<TopicApplier.Report> topics,
      List<SchemaApplier.Registration> schemas,
      String compatibility) {

    public boolean drifted() {
      return topics.stream().anyMatch(report -> report.outcome() == TopicApplier.Outcome.DRIFTED);
    }
  }

  /**
   * Creates the catalogue's missing topics, checks existing ones against it, and registers every
   * value schema. The registry is checked first, so nothing is touched when it is down.
   *
   * @param experts expert names to create task topics for, or null for the configured ones
   */
  public TopicsApplied applyTopics(List<String> experts) {
    GatestreamConfig config = deployment.config();
    List<String> expertNames = experts != null ? experts : configuredExpertNames(config);
    List<TopicSpec<?, ?>> catalogue = Topics.from(config).all(expertNames);
    SchemaRegistryAdmin registry = deployment.connectedRegistry();
    List<TopicApplier.Report> reports;
    try (Admin admin = deployment.connectedAdmin()) {
      reports = new TopicApplier(admin, deployment.clientTimeout()).apply(catalogue);
    }
    String compatibility = config.getString(GatestreamConfig.REGISTRY_COMPATIBILITY);
    try (RegistrySerdes serdes = deployment.registry().serdes(true)) {
      return new TopicsApplied(
          reports,
          new SchemaApplier(registry, serdes, compatibility).apply(catalogue),
          compatibility);
    }
  }

  /**
   * The names of the configured experts, listed in 'experts' or in the experts file; none if
   * neither.
   */
  private List<String> configuredExpertNames(GatestreamConfig config) {
    if (config.getList(GatestreamConfig.EXPERTS).isEmpty()
        && config.getString(GatestreamConfig.EXPERTS_FILE).isBlank()) {
      return List.of();
    }
    return experts().stream().map(ExpertSpec::name).toList();
  }

  /** The configured experts. */
  public List<ExpertSpec> experts() {
    return ExpertCatalog.load(deployment.config(), home);
  }

  /**
   * Starts the stages, routing to and running workers of the given experts, with their meters and
   * health served on {@code metrics.host:metrics.port} (unless -1); closing the result stops them.
   *
   * @param service names this process in every series, e.g. {@code up} or {@code router}
   */
  public Served startStages(List<ExpertSpec> experts, Set<Stage> stages, String service) {
    Observability observability = new Observability(service);
    try {
      // The endpoint first: a port in use fails the start before any stage joins a group.
      AtomicReference<Pipeline> started = new AtomicReference<>();
      Optional<MetricsEndpoint> endpoint =
          observability.serve(
              deployment.config(),
              () ->
                  started.get() == null
                      ? new MetricsEndpoint.StageHealth(Map.of(), false)
                      : MetricsEndpoint.StageHealth.of(started.get().stageStates()));
      started.set(
          Pipeline.start(
              deployment.config(),
              deployment.bootstrapServers(),
              deployment.registryUrl(),
              experts,
              stages,
              home,
              observability.registry()));
      return new Served(started.get(), observability, endpoint.map(MetricsEndpoint::port));
    } catch (RuntimeException e) {
      observability.close();
      throw e;
    }
  }

  /**
   * Stages running in this process, and where their meters are served.
   *
   * @param metricsPort the port of /metrics and /health, empty when not served
   */
  public record Served(
      Pipeline pipeline, Observability observability, Optional<Integer> metricsPort)
      implements AutoCloseable {

    @Override
    public void close() {
      pipeline.close();
      observability.close();
    }
  }
}
