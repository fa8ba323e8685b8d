package dev.gatestream.app.pipeline;

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

  /** An expert's workers: nothing restarts one that stopped, so its tasks wait for another. */
  public static StageState ofWorkers(long alive, int workers) {
    return new StageState(
        alive + " of " + workers + " workers alive", alive == workers, alive < workers);
  }

  /** The Flink job: restarting is transient, failed or cancelled is for good. */
  public static StageState ofJob(JobStatus status) {
    return new StageState(
        status.name(), status == JobStatus.RUNNING, status.isGloballyTerminalState());
  }
}
