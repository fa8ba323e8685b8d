package dev.gatestream.streams.fusion.strategy;

import dev.gatestream.contracts.TextAnswer;
import java.util.List;

/**
 * Fallback: the answer of the first expert, in a fallback order, that answered. Without a
 * configured order, the routing decision's order (best gate score first) is the fallback order.
 */
public final class FirstSuccessful implements FusionStrategy {

  private final List<String> fallbackOrder;

  public FirstSuccessful(List<String> fallbackOrder) {
    this.fallbackOrder = List.copyOf(fallbackOrder);
  }

  @Override
  public String name() {
    return "first-successful";
  }

  @Override
  public Class<?> outputType() {
    return TextAnswer.class;
  }

  @Override
  public Fused fuse(List<Answer> answers) {
    for (String expert : fallbackOrder) {
      for (Answer answer : answers) {
        if (answer.expert().equals(expert)) {
          return new Fused(answer.output(), List.of(expert));
        }
      }
    }
    Answer first = answers.get(0);
    return new Fused(first.output(), List.of(first.expert()));
  }
}
