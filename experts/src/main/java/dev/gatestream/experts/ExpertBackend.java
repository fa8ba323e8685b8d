package dev.gatestream.experts;

import dev.gatestream.contracts.ExpertTask;
import java.time.Duration;
import java.util.List;

/**
 * What answers an expert's tasks: a model in process, a remote endpoint, a replayed log. Called by
 * {@link ExpertWorker} from up to {@code concurrency} threads at once, so implementations must be
 * thread-safe. The worker does not close its backend: whoever made it does.
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
