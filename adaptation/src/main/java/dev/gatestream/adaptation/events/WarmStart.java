package dev.gatestream.adaptation.events;

import java.io.Serializable;

/**
 * Where a policy's learner starts when no checkpoint holds its state: the learner resumed from the
 * policy's newest usable published snapshot, as {@code PolicyLearner.toBytes()}, and that
 * snapshot's version, which the next publication must exceed.
 */
public record WarmStart(long version, long examples, byte[] learner) implements Serializable {

  private static final long serialVersionUID = 1L;
}
