package dev.gatestream.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one overlay is made of, resolved as {@code kustomize build} resolves it: its resources
 * (files, and directories with a kustomization of their own, recursively), patches, generator
 * inputs and transformer configurations. A listed file that does not exist fails.
 */
final class KustomizeTree {

  private static final YAMLMapper YAML = new YAMLMapper();

  /** A resource (or patch) document, and the file it came from. */
  record Document(Path file, int index, JsonNode resource, boolean patch) {
    String where() {
      return file
          + " (document "
          + (index + 1)
          + ", "
          + ManifestValidator.type(resource)
          + " "
          + resource.path("metadata").path("name").asText()
          + ")";
    }
  }

  private final Set<Path> files = new LinkedHashSet<>();
  private final List<Document> documents = new ArrayList<>();

  private KustomizeTree() {}

  static KustomizeTree of(Path kustomizationDir) throws IOException {
    KustomizeTree tree = new KustomizeTree();
    tree.visit(kustomizationDir.toAbsolutePath().normalize());
    return tree;
  }

  /** Every file the overlay uses, kustomization files included. */
  Set<Path> files() {
    return files;
  }

  List<Document> documents() {
    return documents;
  }

  private void visit(Path dir) throws IOException {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          dir + " is listed as a resource but has no kustomization.yaml");
    }
    files.add(file);
    Kustomization k = Kustomization.read(file);
    for (String resource : k.resourcesOrEmpty()) {
      Path path = existing(dir, resource, file);
      if (Files.isDirectory(path)) {
        visit(path);
      } else {
        read(path, false);
      }
    }
    for (Kustomization.Patch patch : k.patchesOrEmpty()) {
      read(existing(dir, patch.path(), file), true);
    }
    for (Kustomization.Generator generator : k.generatorsOrEmpty()) {
      for (String input : generator.files()) {
        files.add(existing(dir, input, file));
      }
    }
    for (String configuration : k.configurationsOrEmpty()) {
      Path path = existing(dir, configuration, file);
      YAML.readTree(path.toFile());
      files.add(path);
    }
  }

  private void read(Path file, boolean patch) throws IOException {
    files.add(file);
    int index = 0;
    try (var parser = YAML.createParser(file.toFile())) {
      var docs = YAML.readValues(parser, JsonNode.class);
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          documents.add(new Document(file, index, doc, patch));
        }
        index++;
      }
    }
  }

  private static Path existing(Path dir, String entry, Path listedIn) {
    Path path = dir.resolve(entry).normalize();
    if (!Files.exists(path)) {
      throw new IllegalStateException(listedIn + " lists " + entry + ", which does not exist");
    }
    return path;
  }
}
