package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a container asks for and may use, in Kubernetes quantities. No CPU limit: a throttled JVM
 * misses its group's heartbeats; the memory limit holds the heap, which the JVM sizes from it.
 */
record PodResources(String cpuRequest, String memoryRequest, String memoryLimit) {

  ObjectNode node() {
    ObjectNode resources = Yaml.object();
    resources.putObject("requests").put("cpu", cpuRequest).put("memory", memoryRequest);
    resources.putObject("limits").put("memory", memoryLimit);
    return resources;
  }
}
