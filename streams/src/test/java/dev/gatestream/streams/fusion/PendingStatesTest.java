package dev.gatestream.streams.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatestream.contracts.internal.FusionState;
import dev.gatestream.serdes.StateSerde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

class PendingStatesTest {

  private final KeyValueStore<String, FusionState> store =
      Stores.keyValueStoreBuilder(
              Stores.inMemoryKeyValueStore("pending"),
              Serdes.String(),
              StateSerde.of(FusionState.class))
          .withLoggingDisabled()
          .build();
  private final PendingStates pending = new PendingStates(store);

  PendingStatesTest() {
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  private static FusionState state(long dueAtMs) {
    return FusionState.newBuilder().setDueAtMs(dueAtMs).build();
  }

  @Test
  void aStateWrittenIsReadBackWithoutDecodingAndIsInTheStoreToo() {
    FusionState written = state(7);
    pending.put("a", written);

    assertThat(pending.get("a")).isSameAs(written);
    assertThat(store.get("a")).isEqualTo(written).isNotSameAs(written);
  }

  @Test
  void afterAFailureTheStoreIsReadAgain() {
    FusionState written = state(7);
    pending.put("a", written);
    written.setDueAtMs(8); // mutated, and never written back

    pending.forgetDecoded();

    assertThat(pending.get("a").getDueAtMs()).isEqualTo(7);
  }

  @Test
  void aDeletedStateIsGoneFromBoth() {
    pending.put("a", state(7));
    pending.delete("a");

    assertThat(pending.get("a")).isNull();
    assertThat(store.get("a")).isNull();
  }

  @Test
  void theDecodedCopiesAreBoundedAndTheOldestIsDecodedAgain() {
    FusionState first = state(0);
    pending.put("0", first);
    for (int i = 1; i <= 10_000; i++) {
      pending.put(Integer.toString(i), state(i));
    }

    assertThat(pending.get("0")).isEqualTo(first).isNotSameAs(first);
    assertThat(pending.get("10000").getDueAtMs()).isEqualTo(10_000);
  }
}
