package dev.gatestream.streams.common;

import dev.gatestream.serdes.GatestreamSerdes;
import dev.gatestream.serdes.RegistryUnavailableException;
import java.net.ConnectException;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * In-memory serdes whose reads fail as the registry serdes' do once the registry has stayed down
 * for their whole retry budget, while {@code registryDown} says so.
 */
public final class OutageSerdes implements GatestreamSerdes {

  private final GatestreamSerdes delegate = GatestreamSerdes.inMemory();
  private final BooleanSupplier registryDown;

  public OutageSerdes(BooleanSupplier registryDown) {
    this.registryDown = registryDown;
  }

  @Override
  public <T extends SpecificRecord> Serde<T> avro(Class<T> type, boolean isKey) {
    Serde<T> serde = delegate.avro(type, isKey);
    Deserializer<T> reads =
        (topic, data) -> {
          if (registryDown.getAsBoolean()) {
            throw new RegistryUnavailableException(
                "registry unavailable for 120000 ms (40 attempts) to read a record of " + topic,
                new ConnectException("Connection refused"));
          }
          return serde.deserializer().deserialize(topic, data);
        };
    return Serdes.serdeFrom(serde.serializer(), reads);
  }
}
