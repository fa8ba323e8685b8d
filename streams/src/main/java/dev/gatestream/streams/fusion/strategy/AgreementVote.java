package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.TextAnswer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Agreement vote over text: answers that are equal once normalized (case, whitespace, surrounding
 * punctuation) form a group; the group with the most weight wins, the earliest on ties, and its
 * highest-weight member's text is the output.
 */
public final class AgreementVote implements FusionStrategy {

  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern EDGE_PUNCTUATION =
      Pattern.compile("^[\\p{Punct}\\s]+|[\\p{Punct}\\s]+$");

  @Override
  public String name() {
    return "agreement-vote";
  }

  @Override
  public Class<?> outputType() {
    return TextAnswer.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    Map<String, List<Answer>> groups = new LinkedHashMap<>();
    for (Answer answer : answers) {
      groups
          .computeIfAbsent(
              normalize(((TextAnswer) answer.output()).getText()), k -> new ArrayList<>())
          .add(answer);
    }
    List<Answer> winners = null;
    double winningWeight = -1;
    for (List<Answer> group : groups.values()) {
      double weight =
          group.stream().mapToDouble(answer -> Math.max(0, answer.weight())).sum()
              + group.size() * 1e-9; // more voters break ties between zero-weight groups
      if (weight > winningWeight) {
        winners = group;
        winningWeight = weight;
      }
    }
    Answer representative = winners.get(0);
    for (Answer answer : winners) {
      if (answer.weight() > representative.weight()) {
        representative = answer;
      }
    }
    return new Fused(representative.output(), winners.stream().map(Answer::expert).toList());
  }

  static String normalize(String text) {
    String collapsed = SPACES.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
    return EDGE_PUNCTUATION.matcher(collapsed).replaceAll("");
  }
}
