package dev.gatestream.serdes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The contracts stay documented and evolvable: every field has a doc, every optional field a
 * default.
 */
class ContractSchemasTest {

  @Test
  void everyRecordAndFieldIsDocumented() {
    List<String> undocumented = new ArrayList<>();
    forEachRecord(
        schema -> {
          if (schema.getDoc() == null || schema.getDoc().isBlank()) {
            undocumented.add(schema.getFullName());
          }
          schema.getFields().stream()
              .filter(field -> field.doc() == null || field.doc().isBlank())
              .forEach(field -> undocumented.add(schema.getName() + "." + field.name()));
        });
    assertThat(undocumented).isEmpty();
  }

  @Test
  void everyOptionalFieldDefaultsToNull() {
    List<String> withoutDefault = new ArrayList<>();
    forEachRecord(
        schema ->
            schema.getFields().stream()
                .filter(field -> field.schema().isNullable())
                .filter(
                    field ->
                        !field.hasDefaultValue()
                            || field.defaultVal() != org.apache.avro.JsonProperties.NULL_VALUE)
                .forEach(field -> withoutDefault.add(schema.getName() + "." + field.name())));
    assertThat(withoutDefault).isEmpty();
  }

  @Test
  void aReaderWithAnAddedOptionalFieldReadsTodaysData() {
    for (Class<?> type : Contracts.RECORD_TYPES) {
      Schema writer = Contracts.schemaOf(type);
      Schema reader = withAddedOptionalField(writer);
      assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
          .as(type.getSimpleName())
          .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }
  }

  @Test
  void everyContractHasAMinimalInstanceThatSerializes() {
    GatestreamSerdes serdes = GatestreamSerdes.inMemory();
    for (Class<? extends org.apache.avro.specific.SpecificRecord> type : Contracts.RECORD_TYPES) {
      org.apache.avro.specific.SpecificRecord sample = Contracts.minimalInstance(type);
      @SuppressWarnings("unchecked")
      org.apache.kafka.common.serialization.Serde<org.apache.avro.specific.SpecificRecord> serde =
          (org.apache.kafka.common.serialization.Serde<org.apache.avro.specific.SpecificRecord>)
              (org.apache.kafka.common.serialization.Serde<?>) serdes.avro(type, false);
      byte[] bytes = serde.serializer().serialize("t", sample);
      assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(sample);
    }
  }

  static Schema withAddedOptionalField(Schema schema) {
    String json = schema.toString();
    String added =
        "{\"name\":\"addedLater\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"new\"}";
    int fieldsStart = json.indexOf("\"fields\":[") + "\"fields\":[".length();
    return new Schema.Parser()
        .parse(json.substring(0, fieldsStart) + added + "," + json.substring(fieldsStart));
  }

  private static void forEachRecord(java.util.function.Consumer<Schema> check) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<Schema> pending = new java.util.ArrayDeque<>();
    Contracts.RECORD_TYPES.forEach(type -> pending.add(Contracts.schemaOf(type)));
    while (!pending.isEmpty()) {
      Schema schema = pending.pop();
      switch (schema.getType()) {
        case RECORD -> {
          if (seen.add(schema.getFullName())) {
            check.accept(schema);
            schema.getFields().forEach(field -> pending.add(field.schema()));
          }
        }
        case UNION -> pending.addAll(schema.getTypes());
        case ARRAY -> pending.add(schema.getElementType());
        case MAP -> pending.add(schema.getValueType());
        default -> {}
      }
    }
  }
}
