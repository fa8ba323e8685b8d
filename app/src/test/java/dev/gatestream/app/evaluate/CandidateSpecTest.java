package dev.gatestream.app.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidateSpecTest {

  @Test
  void baselines() {
    assertThat(CandidateSpec.parse("uniform")).isEqualTo(new CandidateSpec.Uniform());
    assertThat(CandidateSpec.parse("always:meta-llama/Meta-Llama-3-8B"))
        .isEqualTo(new CandidateSpec.Always("meta-llama/Meta-Llama-3-8B"));
  }

  @Test
  void gateKindWithRouterSettings() {
    assertThat(CandidateSpec.parse("softmax-top-k"))
        .isEqualTo(new CandidateSpec.Gate(Map.of("router.gate", "softmax-top-k")));
    assertThat(
            CandidateSpec.parse(
                "softmax-top-k:k=1, exploration=temperature,exploration.temperature=0.5,margin=0.1"))
        .isEqualTo(
            new CandidateSpec.Gate(
                Map.of(
                    "router.gate",
                    "softmax-top-k",
                    "router.gate.k",
                    "1",
                    "router.exploration",
                    "temperature",
                    "router.exploration.temperature",
                    "0.5",
                    "router.gate.margin",
                    "0.1")));
  }

  @Test
  void badSpecsSayWhatIsWrong() {
    assertThatThrownBy(() -> CandidateSpec.parse("top-2"))
        .hasMessage(
            "--policy 'top-2': expected uniform,"
                + " always:EXPERT or a gate kind (bandit, knn, task-rules, softmax-top-k, top-p, sigmoid, success-predictor)"
                + " with"
                + " optional :KEY=VALUE,...");
    assertThatThrownBy(() -> CandidateSpec.parse("always:"))
        .hasMessageStartingWith("--policy always: needs an expert");
    assertThatThrownBy(() -> CandidateSpec.parse("top-p:p"))
        .hasMessage("--policy 'top-p:p': 'p' is not KEY=VALUE");
    assertThatThrownBy(() -> CandidateSpec.parse("top-p:q=1"))
        .hasMessageStartingWith("--policy 'top-p:q=1': 'q' is not a router setting");
  }
}
