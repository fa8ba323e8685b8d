package dev.gatestream.app.pipeline;

import dev.gatestream.experts.WorkerSupervisor;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What a stage is doing, whether that is as it should be, and whether it stopped for good.
 *
 * @param terminal stopped and will not recover by itself: the process should exit non-zero, so that
 *     whatever supervises it starts it again
 */
public record StageState(String state, boolean healthy, boolean terminal) {

  /**
   * A Kafka Streams stage: ERROR (its bounded thread replacements spent) or stopped is for good.
   */
  public static StageState ofStreams(KafkaStreams.State state, Optional<Throwable> failure) {
    return new StageState(
        failure.map(cause -> state.name() + ": " + cause.getMessage()).orElse(state.name()),
        state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING,
        state == KafkaStreams.State.ERROR
            || state == KafkaStreams.State.PENDING_ERROR
            || state == KafkaStreams.State.NOT_RUNNING);
  }

  /**
   * An expert's supervised workers: one waiting to restart is transient, one whose restarts are
   * spent is for good.
   */
  public static StageState ofWorkers(List<WorkerSupervisor.Status> workers) {
    long running = workers.stream().filter(WorkerSupervisor.Status::running).count();
    long failed = workers.stream().filter(WorkerSupervisor.Status::failed).count();
    long restarts = workers.stream().mapToLong(WorkerSupervisor.Status::restarts).sum();
    StringBuilder state = new StringBuilder(running + " of " + workers.size() + " workers running");
    if (restarts > 0) {
      state.append(", ").append(restarts).append(restarts == 1 ? " restart" : " restarts");
    }
    if (failed > 0) {
      state.append(", ").append(failed).append(" failed");
      workers.stream()
          .filter(WorkerSupervisor.Status::failed)
          .flatMap(status -> status.lastFailure().stream())
          .findFirst()
          .ifPresent(cause -> state.append(": ").append(cause.getMessage()));
    }
    return new StageState(state.toString(), running == workers.size(), failed > 0);
  }

  /** The Flink job: restarting is transient, failed or cancelled is for good. */
  public static StageState ofJob(JobStatus status) {
    return new StageState(
        status.name(), status == JobStatus.RUNNING, status.isGloballyTerminalState());
  }
}
