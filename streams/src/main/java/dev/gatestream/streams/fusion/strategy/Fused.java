package dev.gatestream.streams.fusion.strategy;

import java.util.List;

/**
 * What a strategy made of the answers.
 *
 * @param output the fused ClassProbabilities, Score or TextAnswer
 * @param contributors experts whose answers went into the output
 */
public record Fused(Object output, List<String> contributors) {}
