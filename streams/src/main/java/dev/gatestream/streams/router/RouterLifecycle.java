package dev.gatestream.streams.router;

/**
 * What the router runs beside its production policy: shadow experts, and a candidate policy.
 *
 * @param candidate null when there is none
 */
public record RouterLifecycle(ShadowExperts shadows, CandidateRunner candidate) {

  public RouterLifecycle {
    shadows = shadows == null ? ShadowExperts.none() : shadows;
  }

  public static RouterLifecycle none() {
    return new RouterLifecycle(ShadowExperts.none(), null);
  }
}
