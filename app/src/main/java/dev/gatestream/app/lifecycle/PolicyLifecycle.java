package dev.gatestream.app.lifecycle;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.pipeline.ExpertCatalog;
import dev.gatestream.app.pipeline.RoutingComponents;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.clients.ServicePrincipal;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.RoutingWeights;
import dev.gatestream.experts.ExpertSpec;
import dev.gatestream.policy.lifecycle.Verdict;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The policy lifecycle of one deployment: the report, promotion (by the rule or an operator),
 * rollback, and the watch that promotes and rolls canaries back on its own. It connects as the
 * adaptation job's principal, the one that publishes routing weights.
 */
public final class PolicyLifecycle implements AutoCloseable {

  /** What {@link #watch} tells as it goes. */
  public interface WatchListener {
    /** After each judgement. */
    default void judged(LifecycleReport report) {}

    /** The rule promoted the candidate. */
    default void promoted(LifecycleReport report, RoutingWeights published) {}

    /** The rule promoted a shadow expert into production. */
    default void shadowPromoted(LifecycleReport.ShadowVerdict shadow, RoutingWeights published) {}

    /** The guardrail rolled the canary back. */
    default void canaryRolledBack(LifecycleReport report, RoutingWeights published) {}
  }

  private final GatestreamConfig config;
  private final LifecycleSettings settings;
  private final Topics topics;
  private final KafkaClients clients;
  private final RegistrySerdes serdes;
  private final Duration timeout;
  private final String clientId;
  private final PolicyVersions versions;
  private final List<String> shadows;

  public PolicyLifecycle(GatestreamConfig config, Path home) {
    this.config = config;
    this.shadows =
        ExpertCatalog.load(config, home).stream()
            .filter(ExpertSpec::isShadow)
            .map(ExpertSpec::name)
            .toList();
    this.settings = LifecycleSettings.from(config);
    this.topics = Topics.from(config);
    Deployment deployment = new Deployment(config, home);
    this.clients = deployment.clients().as(ServicePrincipal.ADAPTATION);
    this.timeout = deployment.clientTimeout();
    this.clientId = clients.ids().job("policy", settings.production());
    this.serdes =
        deployment.registry().serdes(config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER));
    try {
      this.versions = new PolicyVersions(clients, clientId, topics, serdes, timeout);
    } catch (RuntimeException e) {
      serdes.close();
      throw e;
    }
  }

  public LifecycleSettings settings() {
    return settings;
  }

  /** The production log as it is now, judged. */
  public LifecycleReport report() {
    LifecycleLog log = new LifecycleLog(settings);
    try (LogTail tail = new LogTail(clients, clientId + "-report", topics, serdes, log)) {
      tail.readToEnd(timeout);
    }
    return log.report();
  }

  /**
   * Promotes a policy to production on the operator's word, with the report's evidence when it is
   * the configured candidate; or a shadow expert into production's gate, with its evidence.
   */
  public RoutingWeights promote(String name) {
    if (name.equals(settings.production())) {
      throw new UserError(name + " is the production policy already");
    }
    if (shadows.contains(name)) {
      LifecycleReport.ShadowVerdict shadow = shadowVerdict(report(), name);
      if (shadow == null) {
        shadow =
            new LifecycleReport.ShadowVerdict(
                name, 0, 0, null, new Verdict(Verdict.Outcome.HOLD, "never shadowed yet"));
      }
      return promoteShadow(
          shadow, PolicyVersions.OPERATOR, "operator; the rule says: " + shadow.reason());
    }
    boolean configured = name.equals(settings.candidate());
    LifecycleReport report = configured ? report() : null;
    String reason =
        configured && report.promotion() != null
            ? "operator; the rule says: " + report.promotion().reason()
            : "operator";
    String gate = configured ? candidateGate() : publishedGate(name);
    return versions.promote(
        settings.production(),
        name,
        gate,
        featureDimension(),
        configured
            ? PolicyVersions.evidence(PolicyVersions.OPERATOR, reason, report, confidence())
            : PolicyVersions.evidence(PolicyVersions.OPERATOR, reason, empty(), confidence()));
  }

  private LifecycleReport.ShadowVerdict shadowVerdict(LifecycleReport report, String shadow) {
    return report.shadowVerdicts().stream()
        .filter(one -> one.shadow().equals(shadow))
        .findFirst()
        .orElse(null);
  }

  private RoutingWeights promoteShadow(
      LifecycleReport.ShadowVerdict shadow, String decidedBy, String reason) {
    String name = shadow.shadow();
    return versions.promoteShadow(
        settings.production(),
        name,
        config.getString(GatestreamConfig.ROUTER_GATE),
        featureDimension(),
        PolicyVersions.evidence(
            decidedBy,
            reason,
            shadow.sampled(),
            shadow.judged(),
            shadow.comparison(),
            confidence()));
  }

  /** Restores production's version before its latest promotion or rollback, as a new version. */
  public RoutingWeights rollback() {
    return versions.rollback(
        settings.production(),
        PolicyVersions.evidence(
            PolicyVersions.OPERATOR, "operator rollback", empty(), confidence()));
  }

  /**
   * Follows the log, judging every policy.watch.every decisions: promotes the candidate once the
   * rule clears it, and each shadow expert the rule clears, and rolls the canary back once the
   * guardrail says so; until stop.
   */
  public void watch(WatchListener listener, BooleanSupplier stop) {
    boolean withCandidate = !settings.candidate().isBlank();
    List<String> watched = settings.watchShadows() ? shadows : List.of();
    if (!withCandidate && watched.isEmpty()) {
      throw new UserError(
          "no candidate or shadow expert to watch: set "
              + GatestreamConfig.ROUTER_CANDIDATE_POLICY
              + " or mark an expert shadow (with "
              + GatestreamConfig.POLICY_WATCH_SHADOWS
              + " on)");
    }
    LifecycleLog log = new LifecycleLog(settings);
    boolean promoted = !withCandidate;
    boolean canaryStopped = !withCandidate;
    Set<String> shadowsPromoted = new HashSet<>();
    int judgedAt = 0;
    try (LogTail tail = new LogTail(clients, clientId + "-watch", topics, serdes, log)) {
      while (!stop.getAsBoolean()
          && !(promoted
              && canaryStopped
              && (withCandidate || shadowsPromoted.containsAll(watched)))) {
        tail.poll();
        if (log.decisions() - judgedAt < settings.judgeEvery()) {
          continue;
        }
        judgedAt = log.decisions();
        LifecycleReport report = log.report();
        listener.judged(report);
        if (!promoted && report.promotion().acts()) {
          promoted = true;
          listener.promoted(
              report,
              versions.promote(
                  settings.production(),
                  settings.candidate(),
                  candidateGate(),
                  featureDimension(),
                  PolicyVersions.evidence(
                      PolicyVersions.RULE, report.promotion().reason(), report, confidence())));
        }
        for (LifecycleReport.ShadowVerdict shadow : report.shadowVerdicts()) {
          if (watched.contains(shadow.shadow())
              && shadow.verdict().acts()
              && shadowsPromoted.add(shadow.shadow())) {
            listener.shadowPromoted(
                shadow, promoteShadow(shadow, PolicyVersions.RULE, shadow.reason()));
          }
        }
        if (!canaryStopped && report.canary() != null && report.canary().acts()) {
          canaryStopped = true;
          listener.canaryRolledBack(
              report,
              versions.stopCanary(
                  settings.candidate(),
                  featureDimension(),
                  PolicyVersions.evidence(
                      PolicyVersions.GUARDRAIL, report.canary().reason(), report, confidence())));
        }
      }
    }
  }

  private String candidateGate() {
    return settings.candidateGate().isBlank() ? null : settings.candidateGate();
  }

  private String publishedGate(String name) {
    RoutingWeights published = versions.read().get(name);
    if (published == null) {
      throw new UserError(
          "no weights of policy " + name + " on " + topics.routingWeights().name() + " to promote");
    }
    return published.getGate();
  }

  private int featureDimension() {
    return RoutingComponents.featureSpec(config).dimension();
  }

  private double confidence() {
    return settings.evaluation().confidence();
  }

  private LifecycleReport empty() {
    return new LifecycleReport(
        settings.production(), null, 0, 0, null, null, null, null, List.of(), List.of());
  }

  @Override
  public void close() {
    versions.close();
    serdes.close();
  }
}
