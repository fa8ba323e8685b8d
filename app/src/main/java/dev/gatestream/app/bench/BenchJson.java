package dev.gatestream.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The bench's reports as JSON: the first profile's figures at the top ({@code ratio}, {@code
 * steadyRatePerSecond}, and per chain {@code pipeline.burstPerSecond}, {@code pipeline.p99Ms},
 * ...), and every profile's under {@code profiles}.
 */
public final class BenchJson {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchJson() {}

  public static ObjectNode of(List<BenchReport> reports) {
    ObjectNode root = MAPPER.createObjectNode();
    if (reports.isEmpty()) {
      return root;
    }
    root.setAll(profile(reports.get(0)));
    ObjectNode profiles = root.putObject("profiles");
    reports.forEach(report -> profiles.set(report.profile(), profile(report)));
    return root;
  }

  public static void write(List<BenchReport> reports, Path file) throws IOException {
    MAPPER.writeValue(file.toFile(), of(reports));
  }

  private static ObjectNode profile(BenchReport report) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("profile", report.profile());
    node.put("partitions", report.partitions());
    node.put("experts", report.experts());
    node.put("expertsPerRequest", report.expertsPerRequest());
    node.put("burstRequests", report.burstRequests());
    node.put("steadyRatePerSecond", report.steadyRatePerSecond());
    node.put("steadySeconds", report.steadySeconds());
    double ratio = report.ratio();
    if (Double.isNaN(ratio)) {
      node.putNull("ratio");
    } else {
      node.put("ratio", ratio);
    }
    for (BenchReport.ChainResult chain : report.chains()) {
      ObjectNode c = node.putObject(chain.chain());
      c.put("burstPerSecond", chain.burstPerSecond());
      c.put("burstSeconds", chain.burstSeconds());
      c.put("steadySent", chain.steadySent());
      c.put("steadyAchievedPerSecond", chain.steadyAchievedPerSecond());
      c.put("p50Ms", chain.latency().p50Ms());
      c.put("p90Ms", chain.latency().p90Ms());
      c.put("p99Ms", chain.latency().p99Ms());
      c.put("p999Ms", chain.latency().p999Ms());
      c.put("maxMs", chain.latency().maxMs());
      ObjectNode records = c.putObject("recordsPerRequest");
      chain.recordsPerRequest().forEach(records::put);
    }
    return node;
  }
}
