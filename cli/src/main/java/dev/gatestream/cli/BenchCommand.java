package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.bench.BenchReport;
import dev.gatestream.app.bench.EndToEndBench;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gatestream bench}: the end-to-end benchmark against its pass-through baseline. */
@Command(name = "bench", description = {
    "Benchmark the full pipeline (router, replay experts, fusion) against a pass-through chain with the"
        + " same topic hops, serdes and partitions, in the same run: burst throughput, and latency"
        + " percentiles (HdrHistogram) at a steady rate. Needs a running stack (or bootstrap)."})
final class BenchCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--experts", defaultValue = "4", description = "Replay experts (default: ${DEFAULT-VALUE}).")
  int experts;

  @Option(names = "--warmup", defaultValue = "2000", description = "Warm-up requests (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--burst", defaultValue = "20000", description = "Requests of the throughput burst (default: ${DEFAULT-VALUE}).")
  int burst;

  @Option(names = "--rate", defaultValue = "2000", description = "Steady rate, requests/s (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--seconds", defaultValue = "15", description = "Duration of the steady rate (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON to FILE.")
  Path json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (experts < 1 || warmup < 1 || burst < 1 || rate < 1 || seconds < 1) {
      throw new UserError("--experts, --warmup, --burst, --rate and --seconds must be positive");
    }
    Deployment deployment = options.deployment();
    Path workDir = Files.createTempDirectory("gatestream-bench");
    BenchReport report = new EndToEndBench(deployment.config(), deployment.bootstrapServers(),
        deployment.registryUrl(), new EndToEndBench.Options(experts, warmup, burst, rate,
            Duration.ofSeconds(seconds), workDir), spec.commandLine().getOut()).run();
    report.print(spec.commandLine().getOut());
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
      spec.commandLine().getOut().println("report written to " + json);
    }
    return 0;
  }
}
