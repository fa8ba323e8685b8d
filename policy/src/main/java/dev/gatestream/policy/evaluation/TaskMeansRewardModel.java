package dev.gatestream.policy.evaluation;

import dev.gatestream.policy.Choice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

/** Mean values by (expert, task), backed off to the expert's mean, then the overall mean. */
final class TaskMeansRewardModel implements RewardModel.Fitted {

  private static final class Mean {
    double sum;
    long count;

    void add(double value) {
      sum += value;
      count++;
    }

    double or(double fallback) {
      return count == 0 ? fallback : sum / count;
    }
  }

  // Inner maps are HashMaps: the null task is a task of its own.
  private final Map<String, Map<String, Mean>> byExpertAndTask = new HashMap<>();
  private final Map<String, Mean> byExpert = new HashMap<>();
  private final Mean overall = new Mean();

  private TaskMeansRewardModel() {}

  static TaskMeansRewardModel fit(
      List<LoggedDecision> training, ToDoubleBiFunction<LoggedDecision, String> measure) {
    TaskMeansRewardModel model = new TaskMeansRewardModel();
    for (LoggedDecision decision : training) {
      for (Choice choice : decision.chosen()) {
        double observed = measure.applyAsDouble(decision, choice.expert());
        if (Double.isNaN(observed)) {
          continue;
        }
        model
            .byExpertAndTask
            .computeIfAbsent(choice.expert(), e -> new HashMap<>())
            .computeIfAbsent(decision.task(), t -> new Mean())
            .add(observed);
        model.byExpert.computeIfAbsent(choice.expert(), e -> new Mean()).add(observed);
        model.overall.add(observed);
      }
    }
    return model;
  }

  @Override
  public double predict(LoggedDecision decision, String expert) {
    double overallMean = overall.or(0);
    Mean expertMean = byExpert.get(expert);
    if (expertMean == null) {
      return overallMean;
    }
    Mean taskMean = byExpertAndTask.get(expert).get(decision.task());
    return taskMean == null ? expertMean.or(overallMean) : taskMean.or(overallMean);
  }
}
