/**
 * The learners behind the published routing weights, and the rewards they learn from: plain Java,
 * no Kafka or Flink, so they are tested (and simulated in closed bandit loops) on their own.
 */
package dev.gatestream.policy.learning;
