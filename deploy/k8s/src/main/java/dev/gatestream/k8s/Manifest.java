package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One generated file of Kubernetes resources.
 *
 * @param fileName its name in the output directory
 * @param what what it holds, for its header
 * @param documents the resources, one YAML document each
 */
public record Manifest(String fileName, String what, List<ObjectNode> documents) {

  public Manifest {
    documents = List.copyOf(documents);
  }
}
