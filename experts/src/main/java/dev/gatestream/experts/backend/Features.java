package dev.gatestream.experts.backend;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.experts.Outcome;
import java.util.List;
import java.util.Optional;

/** Checks a task's numeric features against the dimension a model takes. */
final class Features {

  private Features() {}

  /**
   * Why the task cannot be fed to a model of this input dimension, if it cannot.
   *
   * @param dimension the model's feature dimension, or -1 when any goes
   */
  static Optional<Outcome.Failure> problem(ExpertTask task, long dimension) {
    List<Float> features = task.getRequest().getFeatures();
    if (features == null || features.isEmpty()) {
      return Optional.of(
          Outcome.permanent("request " + task.getRequestId() + " has no numeric features"));
    }
    if (dimension >= 0 && features.size() != dimension) {
      return Optional.of(
          Outcome.permanent(
              "request "
                  + task.getRequestId()
                  + " has "
                  + features.size()
                  + " features, the model takes "
                  + dimension));
    }
    return Optional.empty();
  }
}
