/**
 * The Kafka Streams stages: the router (requests → expert tasks + routing decisions) and fusion
 * (decisions + expert results → fused results).
 */
package dev.gatestream.streams;
