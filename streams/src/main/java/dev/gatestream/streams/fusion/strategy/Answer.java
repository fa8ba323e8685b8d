package dev.gatestream.streams.fusion.strategy;

/**
 * One expert's successful answer, as fusion strategies see it.
 *
 * @param output a ClassProbabilities, Score or TextAnswer
 * @param weight the expert's weight (gate weight or uniform), non-negative
 */
public record Answer(String expert, Object output, double weight) {}
