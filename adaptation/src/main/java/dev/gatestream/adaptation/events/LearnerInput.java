package dev.gatestream.adaptation.events;

/** One record on its way into a policy's learner: exactly one of example and adopted is set. */
public record LearnerInput(String policy, TrainingExample example, Adopted adopted) {

  public static LearnerInput of(TrainingExample example) {
    return new LearnerInput(example.policy(), example, null);
  }

  public static LearnerInput of(Adopted adopted) {
    return new LearnerInput(adopted.policy(), null, adopted);
  }
}
