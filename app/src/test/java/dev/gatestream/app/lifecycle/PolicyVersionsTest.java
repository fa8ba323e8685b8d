package dev.gatestream.app.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PolicyVersionsTest {

  @Test
  void aPromotedShadowJoinsTheGatesPromotedExpertsOnce() {
    assertThat(PolicyVersions.withPromotedExpert("softmax-top-k", "s"))
        .isEqualTo("softmax-top-k:promoted.experts=s");
    assertThat(
            PolicyVersions.withPromotedExpert("task-rules:default.experts=a,exploration=none", "s"))
        .isEqualTo("task-rules:default.experts=a,exploration=none,promoted.experts=s");
    assertThat(PolicyVersions.withPromotedExpert("softmax-top-k:k=1,promoted.experts=s", "t"))
        .isEqualTo("softmax-top-k:k=1,promoted.experts=s|t");
    assertThat(PolicyVersions.withPromotedExpert("softmax-top-k:promoted.experts=s|t", "s"))
        .isEqualTo("softmax-top-k:promoted.experts=s|t");
  }
}
