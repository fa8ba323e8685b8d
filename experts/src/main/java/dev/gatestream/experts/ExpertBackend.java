package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertTask;
import java.time.Duration;
import java.util.List;

/**
 * What answers an expert's tasks: a model in process, a remote endpoint, a replayed log. Called by
 * {@link ExpertWorker} from up to {@code concurrency} threads at once, so implementations must be
 * thread-safe. A worker owns the backend it is given and closes it when it stops; a call that
 * outlived the worker's shutdown grace may still be running then, so close must be safe against
 * that, and idempotent.
 */
public interface ExpertBackend extends AutoCloseable {

  /**
   * Answers a batch of tasks.
   *
   * @param timeout how long the call may take: the expert's timeout, cut to the latest deadline of
   *     the batch
   * @return one outcome per task, in the order of {@code tasks}
   * @throws BackendException when the whole batch failed (e.g. the endpoint is down)
   */
  List<Outcome> answer(List<ExpertTask> tasks, Duration timeout) throws BackendException;

  @Override
  default void close() {}
}
