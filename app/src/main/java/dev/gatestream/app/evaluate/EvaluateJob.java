package dev.gatestream.app.evaluate;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.pipeline.RoutingComponents;
import dev.gatestream.app.source.TopicRange;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.policy.cascade.CascadeEvaluation;
import dev.gatestream.policy.evaluation.Evaluation;
import dev.gatestream.policy.evaluation.EvaluationSettings;
import dev.gatestream.policy.evaluation.OffPolicyEvaluator;
import dev.gatestream.policy.learning.Rewards;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Off-policy evaluation: what a candidate routing policy would have scored on logged decisions and
 * their feedback, estimated from those alone.
 */
public final class EvaluateJob {

  /** The thresholds a logged cascade is judged at. */
  private static final List<Double> CASCADE_THRESHOLDS =
      List.of(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);

  private final GatestreamConfig base;
  private final Path home;
  private final EvaluateListener listener;

  /**
   * @param base the deployment's configuration: where the logs are, and the reward's price of cost
   * @param home directory that relative paths of the configuration resolve against
   */
  public EvaluateJob(GatestreamConfig base, Path home, EvaluateListener listener) {
    this.base = base;
    this.home = home;
    this.listener = listener;
  }

  /**
   * @throws UserError when there is nothing to evaluate on, or the settings do not fit the logs
   * @throws dev.gatestream.policy.evaluation.UnsupportedCandidateException when the candidate
   *     selects experts the logging policy could not have chosen
   */
  public EvaluateReport run(EvaluateSettings settings) throws IOException {
    long start = System.nanoTime();
    EvaluationSettings evaluation = evaluationSettings(settings);
    GatestreamConfig config =
        settings.candidate() instanceof CandidateSpec.Gate gate
            ? RoutingComponents.withSettings(base, gate.settings())
            : base;

    Deployment deployment = null;
    LoggedDecisions.Read read;
    if (TopicRange.isTopicSpec(settings.decisions())) {
      deployment = new Deployment(config, home);
      read =
          LoggedDecisions.fromKafka(
              deployment, settings.decisions(), settings.results(), settings.feedback(), listener);
    } else {
      if (settings.feedback() != null || settings.results() != null) {
        throw new UserError(
            (settings.feedback() != null ? "--feedback" : "--results")
                + " goes with --decisions"
                + " kafka:...; a decisions file carries what each chosen expert earned");
      }
      read = LoggedDecisions.fromFile(settings.decisions());
    }
    List<LogEntry> entries = read.entries();
    listener.decisionsRead(read.source());
    if (settings.export() != null) {
      DecisionLines.write(settings.export(), entries);
      listener.exported(new EvaluateListener.Exported(entries.size(), settings.export()));
    }
    if (entries.isEmpty()) {
      throw new UserError("no decisions to evaluate on in " + settings.decisions());
    }

    Candidates.Built candidate =
        new Candidates(config, home, deployment)
            .build(settings.candidate(), entries, settings.weights());
    Evaluation estimates =
        new OffPolicyEvaluator(evaluation)
            .evaluate(entries.stream().map(LogEntry::decision).toList(), candidate.policy());
    return new EvaluateReport(
        read.source(),
        candidate.description(),
        settings.confidence(),
        estimates,
        (System.nanoTime() - start) / 1e9,
        cascades(read.cascades()));
  }

  /** The cascade's thresholds judged from its escalation decisions; null when none was logged. */
  private EvaluateReport.Cascades cascades(DecisionFeedbackJoin.Cascades logged) {
    if (logged.decisions() == 0 || logged.rule() == null) {
      return null;
    }
    CascadeEvaluation evaluation =
        new CascadeEvaluation(new Rewards(base.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA)));
    return new EvaluateReport.Cascades(
        logged.decisions(),
        logged.withEscalations(),
        logged.rule(),
        evaluation.estimate(logged.rule(), logged.logged()),
        evaluation.sweep(logged.rule(), CASCADE_THRESHOLDS, logged.logged()));
  }

  /**
   * The reward prices cost as the deployment's router and adaptation job do, not as a candidate
   * gate might.
   */
  private EvaluationSettings evaluationSettings(EvaluateSettings settings) {
    try {
      return EvaluationSettings.defaults()
          .withEstimand(settings.estimand())
          .withLambda(base.getDouble(GatestreamConfig.ROUTER_GATE_LAMBDA))
          .withBootstrap(settings.bootstrapSamples(), settings.confidence(), settings.seed())
          .withSupportTolerance(settings.supportTolerance());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
