/**
 * The policy lifecycle's rules, in plain Java: when a candidate may replace production ({@link
 * dev.gatestream.policy.lifecycle.PromotionRule}), and when a canary must be rolled back ({@link
 * dev.gatestream.policy.lifecycle.CanaryGuardrail}).
 */
package dev.gatestream.policy.lifecycle;
