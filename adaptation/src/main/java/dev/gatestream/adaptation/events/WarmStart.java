package dev.gatestream.adaptation.events;

import java.io.Serializable;

/**
 * Where a policy's learner starts when no checkpoint holds its state: the learner resumed from the
 * policy's newest usable published snapshot, as {@code PolicyLearner.toBytes()}, and that
 * snapshot's version, which the next publication must exceed, and the lineage that snapshot
 * carried. The learner is null when the snapshot does not fit the job's learner but carries a
 * lineage (a promoted gate without weights): the learner starts from the prior, the lineage stays.
 */
public record WarmStart(long version, long examples, byte[] learner, Lineage lineage)
    implements Serializable {

  private static final long serialVersionUID = 1L;
}
