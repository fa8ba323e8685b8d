package dev.gatestream.k8s;

/** A resource that its model or schema refuses, with the path of the field at fault. */
final class InvalidManifestException extends RuntimeException {

  private final String path;

  InvalidManifestException(String path, String problem) {
    super((path.isEmpty() ? "" : path + ": ") + problem);
    this.path = path;
  }

  /** The field's JSON path in the resource, e.g. {@code spec.replicas}; empty for the whole. */
  String path() {
    return path;
  }
}
