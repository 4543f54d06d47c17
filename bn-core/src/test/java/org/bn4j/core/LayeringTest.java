package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * bn-core's layers depend one way, each only on the layers below it: the API ({@code org.bn4j.core}), then
 * {@code kernel}, {@code loops}, {@code storage}. Read from the compiled classes: a class file names every class it
 * uses in its constant pool, as plain text for these ASCII names, so a reference upwards fails here whatever the
 * source says.
 */
class LayeringTest {
    private static final Path CLASSES = Path.of("target/classes");
    /** Top to bottom. */
    private static final List<String> LAYERS = List.of("org/bn4j/core", "org/bn4j/core/kernel", "org/bn4j/core/loops",
            "org/bn4j/core/storage");
    private static final Pattern CLASS_NAME = Pattern.compile("org/bn4j/core/(?:[a-z]+/)*[A-Z][\\w$]*");

    @Test
    void everyLayerDependsOnlyOnTheLayersBelowIt() throws IOException {
        List<String> upwards = new ArrayList<>();
        references().forEach((from, targets) -> {
            for (String to : targets) {
                if (layerOf(to) < layerOf(from)) {
                    upwards.add(from + " -> " + to);
                }
            }
        });
        assertEquals(List.of(), upwards, "references from a layer to one above it");
    }

    @Test
    void everyPackageIsALayer() throws IOException {
        Set<String> packages = references().keySet().stream().map(LayeringTest::packageOf)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(LAYERS), packages);
    }

    /** The check above finds nothing to complain about only if it finds the references that are there. */
    @Test
    void theClassFilesShowTheReferencesBetweenLayers() throws IOException {
        Map<String, Set<String>> references = references();
        assertTrue(references.get("org/bn4j/core/BatchNormalizer").contains("org/bn4j/core/kernel/Passes"));
        assertTrue(references.get("org/bn4j/core/kernel/Passes").contains("org/bn4j/core/storage/Data"));
        assertTrue(references.get("org/bn4j/core/kernel/FloatPlanarKernel").contains("org/bn4j/core/loops/Loops"));
    }

    @Test
    void theModuleExportsTheApiPackageOnly() {
        ModuleDescriptor module = ModuleFinder.of(CLASSES).find("org.bn4j.core").orElseThrow().descriptor();
        assertEquals(Set.of("org.bn4j.core"),
                module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(module.requires().stream().anyMatch(r -> r.name().equals("jdk.incubator.vector")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)), "the Vector API is optional");
        assertFalse(module.requires().stream().anyMatch(r -> !r.name().startsWith("java.")
                && !r.name().equals("jdk.incubator.vector")), "bn-core requires the JDK only: " + module.requires());
    }

    /** @return for each class of bn-core (internal name), the other bn-core classes its class file names */
    private static Map<String, Set<String>> references() throws IOException {
        Map<String, Set<String>> references = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CLASSES.resolve("org/bn4j/core"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                String name = CLASSES.relativize(file).toString().replace('\\', '/').replaceAll("\\.class$", "");
                if (name.endsWith("package-info")) {
                    continue;
                }
                Set<String> targets = new TreeSet<>();
                Matcher m = CLASS_NAME.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    targets.add(m.group());
                }
                targets.remove(name);
                references.put(name, targets);
            }
        }
        assertFalse(references.isEmpty(), "no classes under " + CLASSES.toAbsolutePath());
        return references;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('/'));
    }

    private static int layerOf(String className) {
        int layer = LAYERS.indexOf(packageOf(className));
        assertTrue(layer >= 0, className + " is in no layer");
        return layer;
    }
}
