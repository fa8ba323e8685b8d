/**
 * Expert workers: one Kafka consumer group per expert, reading its task topic, writing expert
 * results. {@link dev.gatestream.experts.ExpertSpec} reads the experts file, {@link
 * dev.gatestream.experts.ExpertBackends} makes each expert's {@link
 * dev.gatestream.experts.ExpertBackend}, and an {@link dev.gatestream.experts.ExpertWorker} runs
 * one instance of an expert.
 */
package dev.gatestream.experts;
