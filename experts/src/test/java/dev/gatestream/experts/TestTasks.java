package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.InferenceRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds tasks for tests. */
public final class TestTasks {

  private TestTasks() {}

  public static ExpertTask task(String requestId, String expert, long deadlineMs) {
    return task(requestId, expert, deadlineMs, null, null);
  }

  public static ExpertTask withFeatures(String requestId, String expert, float... features) {
    List<Float> list = new ArrayList<>();
    for (float f : features) {
      list.add(f);
    }
    return task(requestId, expert, farFuture(), list, null);
  }

  public static ExpertTask withText(String requestId, String expert, String text) {
    return task(requestId, expert, farFuture(), null, text);
  }

  public static long farFuture() {
    return System.currentTimeMillis() + 600_000;
  }

  private static ExpertTask task(
      String requestId, String expert, long deadlineMs, List<Float> features, String text) {
    InferenceRequest request =
        InferenceRequest.newBuilder()
            .setId(requestId)
            .setCreatedAtMs(System.currentTimeMillis())
            .setTask(null)
            .setText(text)
            .setFeatures(features)
            .setAttributes(Map.of())
            .setDeadlineMs(deadlineMs)
            .setCostBudget(null)
            .setReplyTo(null)
            .build();
    return ExpertTask.newBuilder()
        .setRequestId(requestId)
        .setExpert(expert)
        .setRequest(request)
        .setGateWeight(1.0)
        .setPolicyVersion(0)
        .setIssuedAtMs(System.currentTimeMillis())
        .build();
  }
}
