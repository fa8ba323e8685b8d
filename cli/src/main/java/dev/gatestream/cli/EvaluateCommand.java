package dev.gatestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.UserError;
import dev.gatestream.app.evaluate.CandidateSpec;
import dev.gatestream.app.evaluate.EvaluateJob;
import dev.gatestream.app.evaluate.EvaluateReport;
import dev.gatestream.app.evaluate.EvaluateSettings;
import dev.gatestream.cli.evaluate.EvaluateProgress;
import dev.gatestream.cli.evaluate.EvaluateTable;
import dev.gatestream.policy.evaluation.Estimand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream evaluate}: what a candidate policy would have scored on logged decisions. */
@Command(
    name = "evaluate",
    description = {
      "Off-policy evaluation: estimate what a candidate routing policy would have scored on logged decisions"
          + " and their feedback (inverse propensity scoring, self-normalized IPS, doubly robust), with"
          + " bootstrap confidence intervals and the importance weights' effective sample size. Refuses a"
          + " candidate the logged propensities cannot support."
    })
final class EvaluateCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--decisions",
      required = true,
      paramLabel = "SOURCE",
      description = {
        "kafka:TOPIC[@FROM..TO] (a decisions topic; FROM/TO empty, an offset or an ISO-8601 time such as"
            + " 2026-11-25T08:00:00Z, UTC without zone; FROM inclusive, TO exclusive), or FILE.jsonl written by"
            + " --export."
      })
  String decisions;

  @Option(
      names = "--feedback",
      paramLabel = "kafka:TOPIC[@FROM..TO]",
      description =
          "Where the decisions'"
              + " feedback is (default: the configured feedback topic, from 5 minutes before the first decision read).")
  String feedback;

  @Option(
      names = "--results",
      paramLabel = "kafka:TOPIC[@FROM..TO]",
      description =
          "Where the chosen experts'"
              + " results are, judged against the feedback as the adaptation job judges them (default: the configured"
              + " expert-results topic, from 5 minutes before the first decision read).")
  String results;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "CANDIDATE",
      description = {
        "uniform, always:EXPERT, or a gate KIND[:KEY=VALUE,...] with router settings without their router.gate."
            + " or router. prefix, e.g. softmax-top-k:k=1,exploration=none (other router settings: the"
            + " configuration's)."
      })
  String policy;

  @Option(
      names = "--weights",
      paramLabel = "SOURCE",
      description =
          "The gate's weights: kafka (the configured"
              + " routing-weights topic), kafka:TOPIC, or FILE.json (a RoutingWeights record as JSON); the newest version"
              + " of router.policy. Default: the gate's initial weights.")
  String weights;

  @Option(
      names = "--estimand",
      defaultValue = "total",
      paramLabel = "total|mean",
      description =
          "total: expected"
              + " total reward (quality - router.gate.lambda x cost, and either part) of the experts the candidate"
              + " selects per request; mean: per selected expert (default: ${DEFAULT-VALUE}).")
  String estimand;

  @Option(
      names = "--resamples",
      defaultValue = "" + EvaluateSettings.DEFAULT_BOOTSTRAP_SAMPLES,
      paramLabel = "N",
      description = "Bootstrap resamples per interval (default: ${DEFAULT-VALUE}).")
  int bootstrapSamples;

  @Option(
      names = "--confidence",
      defaultValue = "" + EvaluateSettings.DEFAULT_CONFIDENCE,
      description = "Interval level (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(
      names = "--seed",
      defaultValue = "" + EvaluateSettings.DEFAULT_SEED,
      description = "Seed of the folds and resamples (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--support-tolerance",
      defaultValue = "" + EvaluateSettings.DEFAULT_SUPPORT_TOLERANCE,
      paramLabel = "SHARE",
      description =
          "Largest share of the candidate's selection mass allowed on experts the"
              + " logging policy could not choose (default: ${DEFAULT-VALUE}).")
  double supportTolerance;

  @Option(
      names = "--export",
      paramLabel = "FILE.jsonl",
      description =
          "Also write the decisions read, joined with"
              + " their feedback, as JSON Lines: --decisions FILE.jsonl repeats the evaluation offline.")
  Path export;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Estimand chosen =
        switch (estimand) {
          case "total" -> Estimand.TOTAL_REWARD;
          case "mean" -> Estimand.MEAN_REWARD;
          default ->
              throw new UserError("--estimand must be total or mean, not '" + estimand + "'");
        };
    EvaluateSettings settings =
        new EvaluateSettings(
            decisions,
            results,
            feedback,
            CandidateSpec.parse(policy),
            weights,
            chosen,
            bootstrapSamples,
            confidence,
            seed,
            supportTolerance,
            export);
    EvaluateReport report =
        new EvaluateJob(options.load(), GlobalOptions.home(), new EvaluateProgress(out))
            .run(settings);
    EvaluateTable.print(report, out);
    if (json != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), report);
      out.println("report written to " + json);
    }
    out.flush();
    return 0;
  }
}
