package dev.gatestream.gateway;

import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.gateway.client.AsyncRequestReplyClient.ClientClosedException;
import dev.gatestream.gateway.client.DuplicateRequestException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What the HTTP side of the gateway needs of the pipeline behind it. */
interface Inference {

  /**
   * Sends a request; the future completes with its fused result, or fails with a TimeoutException
   * when none comes in time, or with why it could not be sent.
   *
   * @throws DuplicateRequestException when a request with its id is in flight
   * @throws ClientClosedException when results are no longer read
   */
  CompletableFuture<FusedResult> infer(InferenceRequest.Builder request, long deadlineMs);

  /** Why requests cannot be answered now; empty when they can. */
  Optional<String> problem();
}
