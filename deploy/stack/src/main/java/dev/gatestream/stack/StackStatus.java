package dev.gatestream.stack;

import java.util.List;
import java.util.Optional;

/** State of every component of the local stack, broker first. */
public record StackStatus(List<ComponentStatus> components) {

  public StackStatus {
    components = List.copyOf(components);
  }

  /** True when every component has a live process. */
  public boolean allRunning() {
    return !components.isEmpty() && components.stream().allMatch(ComponentStatus::running);
  }

  /** True when no component has a live process. */
  public boolean noneRunning() {
    return components.stream().noneMatch(ComponentStatus::running);
  }

  public Optional<ComponentStatus> component(String name) {
    return components.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
