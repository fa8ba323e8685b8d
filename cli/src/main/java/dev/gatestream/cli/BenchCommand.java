package dev.gatestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.app.WorkDirectory;
import dev.gatestream.app.bench.BenchReport;
import dev.gatestream.app.bench.EndToEndBench;
import dev.gatestream.cli.bench.BenchProgress;
import dev.gatestream.cli.bench.BenchTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream bench}: the end-to-end benchmark against its pass-through baseline. */
@Command(
    name = "bench",
    description = {
      "Benchmark the full pipeline (router, replay experts, fusion) against a pass-through chain with the"
          + " same topic hops, serdes and partitions, in the same run: burst throughput, and latency"
          + " percentiles (HdrHistogram) at a steady rate. Needs a running stack (or bootstrap)."
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
      defaultValue = "2000",
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
      defaultValue = "15",
      description = "Duration of the steady rate (default: ${DEFAULT-VALUE}).")
  int seconds;

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
    Deployment deployment = options.deployment();
    PrintWriter out = spec.commandLine().getOut();
    BenchReport report =
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
                    WorkDirectory.systemTemp()),
                new BenchProgress(out))
            .run();
    BenchTable.print(report, out);
    if (json != null) {
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(json.toFile(), report);
      out.println("report written to " + json);
    }
    return 0;
  }
}
