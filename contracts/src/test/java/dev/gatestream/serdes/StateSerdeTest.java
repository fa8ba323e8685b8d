package dev.gatestream.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ResultStatus;
import dev.gatestream.contracts.Score;
import dev.gatestream.contracts.internal.FusionState;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class StateSerdeTest {

  private static FusionState state(Long deadlineMs) {
    ExpertResult result =
        ExpertResult.newBuilder()
            .setRequestId("r1")
            .setExpert("a")
            .setStatus(ResultStatus.OK)
            .setOutput(new Score(0.5))
            .setLatencyMs(3)
            .setCompletedAtMs(1_000)
            .setDeadlineMs(deadlineMs)
            .build();
    return FusionState.newBuilder()
        .setDecision(null)
        .setEmitted(false)
        .setResults(List.of(result))
        .setDueAtMs(2_000)
        .build();
  }

  @Test
  void aChangedStateSchemaKeepsItsPredecessorReadable() {
    // Changed FusionState, or a record it holds? Put the schema it had
    // (FusionState.getClassSchema() of
    // the version before the change) in state-history/FusionState-<n+1>.avsc, then update this
    // number.
    assertThat(SchemaNormalization.parsingFingerprint64(FusionState.getClassSchema()))
        .as(
            "the fingerprint of FusionState's schema, which changelogs written by this version carry")
        .isEqualTo(-8976567681655840130L);
  }

  @Test
  void readsWhatItWrites() {
    Serde<FusionState> serde = StateSerde.of(FusionState.class);

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", state(9L))))
        .isEqualTo(state(9L));
  }

  @Test
  void readsStateAnEarlierVersionWroteWithItsSchema() throws Exception {
    List<Schema> history = StateSerde.history(FusionState.class);
    assertThat(history).isNotEmpty();
    // FusionState as written before results carried their deadline (the changelog of an older
    // fusion).
    Schema before = history.get(0);
    assertThat(before.toString()).doesNotContain("\"deadlineMs\",\"type\":[\"null\",\"long\"]");
    ByteBuffer old =
        new BinaryMessageEncoder<FusionState>(SpecificData.get(), before).encode(state(null));
    byte[] bytes = new byte[old.remaining()];
    old.get(bytes);

    FusionState read = StateSerde.of(FusionState.class).deserializer().deserialize("t", bytes);

    assertThat(read).isEqualTo(state(null));
  }
}
