/** Expert workers: one Kafka consumer group per expert, reading its task topic, writing expert results. */
package dev.gatestream.experts;
