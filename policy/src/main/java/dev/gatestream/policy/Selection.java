package dev.gatestream.policy;

import java.util.List;
import java.util.Map;

/**
 * What a gate decided for one input.
 *
 * @param chosen the selected experts, best first; never empty
 * @param candidatePropensities probability of selection of every candidate expert, chosen or not
 * @param scores the gate's raw score per candidate expert
 */
public record Selection(
    List<Choice> chosen, Map<String, Double> candidatePropensities, Map<String, Double> scores) {}
