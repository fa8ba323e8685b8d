package dev.gatestream.cli;

import dev.gatestream.app.Deployment;
import dev.gatestream.app.UserError;
import dev.gatestream.clients.KafkaClients;
import dev.gatestream.config.GatestreamConfig;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.gateway.client.AsyncRequestReplyClient;
import dev.gatestream.gateway.client.ReplyRoute;
import dev.gatestream.gateway.client.RequestReplyClient;
import dev.gatestream.serdes.RegistrySerdes;
import dev.gatestream.topics.Topics;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gatestream request}: route one request by hand and print its fused result. */
@Command(
    name = "request",
    description = {
      "Produce one inference request to the requests topic and wait for"
          + " its fused result (exit code 1 if none comes by the deadline plus the fusion grace)."
    })
final class RequestCommand implements Callable<Integer> {

  @Mixin GlobalOptions options;
  @Spec CommandSpec spec;

  @Option(names = "--id", description = "Request id (default: a random UUID).")
  String id;

  @Option(names = "--text", description = "Input text, e.g. a prompt.")
  String text;

  @Option(names = "--task", description = "Task label.")
  String task;

  @Option(names = "--features", split = ",", description = "Numeric features, comma-separated.")
  List<Float> features;

  @Option(
      names = "--attribute",
      description = "An attribute KEY=VALUE carried to the result; repeatable.")
  Map<String, String> attributes = new HashMap<>();

  @Option(names = "--budget", description = "Cost budget, USD.")
  Double budget;

  @Option(
      names = "--reply-to",
      paramLabel = "TOPIC",
      description =
          "Ask for the fused result on this topic"
              + " (which must exist) as a Kafka-native client would, and read it there instead of on fused-results.")
  String replyTo;

  @Option(
      names = "--deadline-ms",
      defaultValue = "5000",
      description = "Deadline from now, ms (default: ${DEFAULT-VALUE}).")
  long deadlineMs;

  @Override
  public Integer call() {
    Deployment deployment = options.deployment();
    GatestreamConfig config = deployment.config();
    String requestId = id != null ? id : UUID.randomUUID().toString();
    InferenceRequest.Builder request =
        InferenceRequest.newBuilder()
            .setId(requestId)
            .setTask(task)
            .setText(text)
            .setFeatures(features)
            .setAttributes(attributes)
            .setCostBudget(budget);
    KafkaClients clients = deployment.clients();
    // Waits for the result until the deadline plus fusion's grace, as long as fusion may still
    // answer.
    RequestReplyClient.Settings settings =
        new RequestReplyClient.Settings(
            clients.ids().job("request", Long.toString(ProcessHandle.current().pid())),
            // The dead letters too: a refusal (a repeated id, an invalid request) ends the wait.
            (replyTo != null ? ReplyRoute.to(replyTo) : ReplyRoute.sharedResults())
                .withDeadLetters(),
            1,
            Duration.ofMillis(config.getLong(GatestreamConfig.FUSION_GRACE_MS)));
    PrintWriter out = spec.commandLine().getOut();
    try (RegistrySerdes serdes =
            deployment
                .registry()
                .serdes(config.getBoolean(GatestreamConfig.REGISTRY_AUTO_REGISTER));
        AsyncRequestReplyClient client =
            AsyncRequestReplyClient.open(
                clients, serdes, Topics.from(config), settings, Clock.systemUTC(), "request")) {
      AsyncRequestReplyClient.Call call = client.request(request, deadlineMs);
      out.println("sent " + call.request());
      out.flush();
      FusedResult result = call.result().get();
      out.println("fused " + result);
      out.flush();
      return 0;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException) {
        spec.commandLine()
            .getErr()
            .println(
                "gatestream: no fused result for "
                    + requestId
                    + " (is the pipeline running? ./gatestream up)");
        return 1;
      }
      throw new UserError("no fused result for " + requestId + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    }
  }
}
