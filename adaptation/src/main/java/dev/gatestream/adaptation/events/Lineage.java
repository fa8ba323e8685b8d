package dev.gatestream.adaptation.events;

import java.io.Serializable;

/**
 * What a policy's learned versions carry forward from the newest promotion or rollback of it, so
 * that learning goes on for the policy in force rather than undoing it: the promoted gate, where it
 * came from, the version it replaced (what {@code gatestream policy rollback} restores) and a
 * candidate's canary share. Fields are the RoutingWeights fields of the same names; null where the
 * promotion left them null.
 */
public record Lineage(String gate, String promotedFrom, Long previousVersion, Double canaryShare)
    implements Serializable {

  private static final long serialVersionUID = 1L;
}
