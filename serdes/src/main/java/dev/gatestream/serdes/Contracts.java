package dev.gatestream.serdes;

import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** The record types Gatestream exchanges over Kafka. */
public final class Contracts {

  public static final List<Class<? extends SpecificRecord>> RECORD_TYPES = List.of(
      InferenceRequest.class, ExpertTask.class, ExpertResult.class, RoutingDecision.class,
      FusedResult.class, Feedback.class, RoutingWeights.class);

  private Contracts() {}

  public static Schema schemaOf(Class<?> recordType) {
    return SpecificData.get().getSchema(recordType);
  }
}
