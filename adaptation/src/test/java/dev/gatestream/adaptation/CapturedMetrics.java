package dev.gatestream.adaptation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionGraphTestUtils;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;

/**
 * The Flink metrics an operator registers under an operator test harness, by logical scope (what a
 * reporter names them by: {@code taskmanager.job.task.operator.gatestream.examples}) and variables.
 */
final class CapturedMetrics {

  /** One registered metric; variables as Flink spells them ({@code <policy>}). */
  record Registered(String name, Map<String, String> variables, Metric metric) {}

  private final List<Registered> registered = new CopyOnWriteArrayList<>();

  /** An environment for the harness whose metric registry captures every registration. */
  MockEnvironment environment() {
    TestingMetricRegistry registry =
        TestingMetricRegistry.builder()
            .setRegisterConsumer(
                (metric, name, group) ->
                    registered.add(
                        new Registered(
                            group.getLogicalScope(scope -> scope, '.') + "." + name,
                            group.getAllVariables(),
                            metric)))
            .build();
    TaskMetricGroup task =
        TaskManagerMetricGroup.createTaskManagerMetricGroup(
                registry, "localhost", ResourceID.generate())
            .addJob(new JobID(), "job")
            .addTask(ExecutionGraphTestUtils.createExecutionAttemptId(), "task");
    return new MockEnvironmentBuilder().setMetricGroup(task).build();
  }

  /**
   * The one metric of this operator-relative name (after {@code taskmanager.job.task.operator.})
   * and variables.
   */
  Metric get(String name, Map<String, String> variables) {
    List<Registered> matching =
        registered.stream()
            .filter(one -> one.name().equals("taskmanager.job.task.operator." + name))
            .filter(one -> one.variables().entrySet().containsAll(variables.entrySet()))
            .toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          matching.size() + " metrics " + name + " " + variables + " among " + registered);
    }
    return matching.get(0).metric();
  }

  long count(String name) {
    return count(name, Map.of());
  }

  long count(String name, Map<String, String> variables) {
    return ((Counter) get(name, variables)).getCount();
  }

  Object gauge(String name, Map<String, String> variables) {
    return ((Gauge<?>) get(name, variables)).getValue();
  }
}
