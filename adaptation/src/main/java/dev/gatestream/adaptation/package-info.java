/**
 * The Flink job that learns routing weights from feedback and publishes them to the routing-weights
 * topic.
 */
package dev.gatestream.adaptation;
