package dev.gatestream.serdes;

import dev.gatestream.contracts.CandidateDecision;
import dev.gatestream.contracts.ExpertResult;
import dev.gatestream.contracts.ExpertTask;
import dev.gatestream.contracts.Feedback;
import dev.gatestream.contracts.FusedResult;
import dev.gatestream.contracts.InferenceRequest;
import dev.gatestream.contracts.RoutingDecision;
import dev.gatestream.contracts.RoutingWeights;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/** The record types Gatestream exchanges over Kafka. */
public final class Contracts {

  public static final List<Class<? extends SpecificRecord>> RECORD_TYPES =
      List.of(
          InferenceRequest.class,
          ExpertTask.class,
          ExpertResult.class,
          RoutingDecision.class,
          FusedResult.class,
          Feedback.class,
          RoutingWeights.class,
          CandidateDecision.class);

  private Contracts() {}

  public static Schema schemaOf(Class<?> recordType) {
    return SpecificData.get().getSchema(recordType);
  }

  /**
   * The smallest valid instance of a record type: defaults where the schema has them, else zero,
   * empty or the first symbol. Serializing it registers the type's schema exactly as a producer
   * would.
   */
  public static <T extends SpecificRecord> T minimalInstance(Class<T> recordType) {
    Object generic = minimal(schemaOf(recordType));
    return recordType.cast(
        SpecificData.getForClass(recordType).deepCopy(schemaOf(recordType), generic));
  }

  private static Object minimal(Schema schema) {
    return switch (schema.getType()) {
      case RECORD -> {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
          record.put(
              field.pos(),
              field.hasDefaultValue()
                  ? GenericData.get().getDefaultValue(field)
                  : minimal(field.schema()));
        }
        yield record;
      }
      case UNION -> minimal(schema.getTypes().get(0));
      case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
      case ARRAY -> new GenericData.Array<>(0, schema);
      case MAP -> new java.util.HashMap<String, Object>();
      case STRING -> "";
      case BYTES -> java.nio.ByteBuffer.allocate(0);
      case INT -> 0;
      case LONG -> 0L;
      case FLOAT -> 0f;
      case DOUBLE -> 0d;
      case BOOLEAN -> false;
      case NULL -> null;
      case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
    };
  }
}
