/**
 * The adaptation job's own plain records. Avro records are converted to these as they are read, so
 * Flink serializes everything with its POJO serializers and never falls back to Kryo.
 */
package dev.gatestream.adaptation.events;
