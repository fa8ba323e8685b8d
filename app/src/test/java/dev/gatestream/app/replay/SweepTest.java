package dev.gatestream.app.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatestream.app.UserError;
import org.junit.jupiter.api.Test;

class SweepTest {

  @Test
  void aSettingOfTheCatalogueAndItsValuesInOrder() {
    ReplaySettings.Sweep sweep = ReplaySettings.Sweep.parse("router.gate.lambda=0, 20,,5");

    assertThat(sweep.setting()).isEqualTo("router.gate.lambda");
    assertThat(sweep.values()).containsExactly("0", "20", "5");
  }

  @Test
  void anUnknownSettingOrNoValuesIsRefused() {
    assertThatThrownBy(() -> ReplaySettings.Sweep.parse("router.gate.lamda=1"))
        .isInstanceOf(UserError.class)
        .hasMessage("--sweep: unknown setting 'router.gate.lamda'");
    assertThatThrownBy(() -> ReplaySettings.Sweep.parse("router.gate.lambda="))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("--sweep 'router.gate.lambda=' is not SETTING=V1,V2,...");
    assertThatThrownBy(() -> ReplaySettings.Sweep.parse("=1,2"))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("--sweep '=1,2' is not SETTING=V1,V2,...");
  }
}
