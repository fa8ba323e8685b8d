package dev.gatestream.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RawPayloadTest {

  @Test
  void aRequestBecomesBytesOfTheGivenSizeCarryingItsCreationTime() {
    byte[] bytes =
        RawPayload.serializer(120)
            .serialize("t", Load.request("b7", 7, 1_700_000_000_123L, Duration.ofSeconds(30)));

    assertThat(bytes).hasSize(120);
    assertThat(RawPayload.createdAtMs(bytes)).isEqualTo(1_700_000_000_123L);
  }

  @Test
  void aRecordTooShortToBeABenchPayloadIsAClearError() {
    assertThatThrownBy(() -> RawPayload.createdAtMs(new byte[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 bytes");
  }
}
