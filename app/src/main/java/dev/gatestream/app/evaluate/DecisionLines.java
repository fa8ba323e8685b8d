package dev.gatestream.app.evaluate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.gatestream.policy.Choice;
import dev.gatestream.policy.evaluation.LoggedDecision;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Logged decisions as JSON Lines, one decision per line, so an evaluation can be repeated offline:
 *
 * <pre>{@code
 * {"requestId":"r1","task":"gsm8k","featurizer":"hashed","features":[0.1,...],"costBudget":null,
 *  "chosen":[{"expert":"a","gateWeight":1.0,"propensity":0.4}],"loggingPropensities":{"a":0.4,"b":0.6},
 *  "quality":{"a":1.0},"cost":{"a":0.002}}
 * }</pre>
 *
 * Only {@code chosen} is required; an absent gateWeight is an equal share of the chosen, an absent
 * cost 0. The reward is not written: evaluate prices the cost at its own router.gate.lambda.
 */
public final class DecisionLines {

  /** A line that is not a logged decision; the message names file and line number. */
  public static final class MalformedLineException extends IllegalArgumentException {
    MalformedLineException(String message) {
      super(message);
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Line(
      String requestId,
      String task,
      String text,
      String featurizer,
      float[] features,
      Double costBudget,
      List<ChoiceLine> chosen,
      Map<String, Double> loggingPropensities,
      Map<String, Double> quality,
      Map<String, Double> cost) {}

  record ChoiceLine(String expert, Double gateWeight, double propensity) {}

  private static final Set<String> EARLIER_FORMAT = Set.of("rewards", "requestReward");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private DecisionLines() {}

  public static void write(Path file, List<LogEntry> entries) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(file)) {
      for (LogEntry entry : entries) {
        writer.write(JSON.writeValueAsString(toLine(entry)));
        writer.newLine();
      }
    }
  }

  /**
   * @throws MalformedLineException at the first line that is not a valid logged decision
   */
  public static List<LogEntry> read(Path file) throws IOException {
    List<LogEntry> entries = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file)) {
      int number = 0;
      for (String text = reader.readLine(); text != null; text = reader.readLine()) {
        number++;
        if (text.isBlank()) {
          continue;
        }
        try {
          entries.add(fromLine(JSON.readValue(text, Line.class)));
        } catch (UnrecognizedPropertyException e) {
          throw new MalformedLineException(file + ":" + number + ": " + unrecognized(e));
        } catch (JsonProcessingException e) {
          throw new MalformedLineException(file + ":" + number + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
          throw new MalformedLineException(file + ":" + number + ": " + e.getMessage());
        } catch (NullPointerException e) {
          throw new MalformedLineException(
              file + ":" + number + ": null where a value is expected");
        }
      }
    }
    return entries;
  }

  private static String unrecognized(UnrecognizedPropertyException e) {
    // Earlier exports carried the feedback's rewards, without the results that judge the experts
    // now.
    return EARLIER_FORMAT.contains(e.getPropertyName())
        ? "\""
            + e.getPropertyName()
            + "\" is the format of an earlier --export; export the decisions again"
        : e.getOriginalMessage();
  }

  private static Line toLine(LogEntry entry) {
    LoggedDecision decision = entry.decision();
    List<ChoiceLine> chosen =
        decision.chosen().stream()
            .map(
                choice -> new ChoiceLine(choice.expert(), choice.gateWeight(), choice.propensity()))
            .toList();
    return new Line(
        decision.requestId(),
        decision.task(),
        decision.text(),
        entry.featurizer(),
        decision.features(),
        decision.costBudget(),
        chosen,
        decision.loggingPropensities(),
        decision.quality(),
        decision.cost());
  }

  private static LogEntry fromLine(Line line) {
    if (line.chosen() == null) {
      throw new IllegalArgumentException("no \"chosen\" experts");
    }
    List<Choice> chosen = new ArrayList<>(line.chosen().size());
    for (ChoiceLine choice : line.chosen()) {
      if (choice.expert() == null) {
        throw new IllegalArgumentException("a chosen expert without \"expert\"");
      }
      double gateWeight =
          choice.gateWeight() == null ? 1.0 / line.chosen().size() : choice.gateWeight();
      chosen.add(new Choice(choice.expert(), gateWeight, choice.propensity()));
    }
    return new LogEntry(
        new LoggedDecision(
            line.requestId(),
            line.task(),
            line.text(),
            line.features(),
            line.costBudget(),
            chosen,
            line.loggingPropensities(),
            line.quality(),
            line.cost()),
        line.featurizer());
  }
}
