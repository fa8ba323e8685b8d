package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.bench.BenchJson;
import dev.gatestream.app.bench.BenchReport;
import dev.gatestream.app.bench.EndToEndBench;
import dev.gatestream.cli.bench.BenchProgress;
import dev.gatestream.cli.bench.BenchTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream bench}: the end-to-end benchmark against Kafka's own limit. */
@Command(
    name = "bench",
    description = {
      "Benchmark, in one run on the same topic layout and delivery guarantee: raw Kafka (producer to"
          + " consumer), a raw Kafka Streams chain of the pipeline's hops copying bytes, the Avro"
          + " pass-through chain of the same hops, and the full pipeline (router, replay experts,"
          + " fusion). Each: burst throughput, latency percentiles (HdrHistogram) at a steady rate,"
          + " and records written per request by topic; the pipeline/raw ratio. Needs a running"
          + " stack (or bootstrap)."
    })
final class BenchCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(
      names = "--experts",
      defaultValue = "4",
      description = "Replay experts (default: ${DEFAULT-VALUE}).")
  int experts;

  @Option(
      names = "--warmup",
      defaultValue = "1000",
      description = "Warm-up requests (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--burst",
      defaultValue = "20000",
      description = "Requests of the throughput burst (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(
      names = "--rate",
      defaultValue = "2000",
      description = "Steady rate, requests/s (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--seconds",
      defaultValue = "10",
      description = "Duration of the steady rate (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--profiles",
      split = ",",
      defaultValue = "exactly-once",
      description =
          "Pipeline profiles to measure every chain under, comma-separated: exactly-once,"
              + " low-latency (default: ${DEFAULT-VALUE}).")
  List<String> profiles;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the report as JSON to FILE.")
  Path json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (experts < 1 || warmup < 1 || burst < 1 || rate < 1 || seconds < 1) {
      throw new UserError("--experts, --warmup, --burst, --rate and --seconds must be positive");
    }
    for (String profile : profiles) {
      if (!profile.equals("exactly-once") && !profile.equals("low-latency")) {
        throw new UserError(
            "--profiles: unknown profile '" + profile + "' (exactly-once or low-latency)");
      }
    }
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    List<BenchReport> reports =
        new EndToEndBench(
                deployment.config(),
                deployment.bootstrapServers(),
                deployment.registryUrl(),
                new EndToEndBench.Options(
                    experts,
                    warmup,
                    burst,
                    rate,
                    Duration.ofSeconds(seconds),
                    profiles,
                    WorkDirectory.systemTemp()),
                new BenchProgress(out))
            .run();
    reports.forEach(report -> BenchTable.print(report, out));
    if (json != null) {
      BenchJson.write(reports, json);
      out.println("report written to " + json);
    }
    return 0;
  }
}
