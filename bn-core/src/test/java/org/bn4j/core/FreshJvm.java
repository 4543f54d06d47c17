package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JVM of its own for a test that must not share this one's JIT state or module set: this JVM's {@code java}, its
 * class path, the options given, and a main class of the tests.
 */
public final class FreshJvm {
    private FreshJvm() {
    }

    /** @return the options that start a JVM as this one was started, with the Vector API's module or without */
    public static List<String> likeThisOne() {
        return BatchNormalizer.usesVectorApi() ? List.of("--add-modules", "jdk.incubator.vector") : List.of();
    }

    /**
     * @return what {@code main} printed, standard error included
     * @throws AssertionError with that output, when the JVM exits with a code other than 0
     */
    public static String run(List<String> options, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process jvm = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jvm.waitFor(), () -> "the JVM of " + main.getSimpleName() + " failed:\n" + output);
        return output;
    }

    /** @return the last line of {@code output}, stripped: where the mains print their result */
    public static String lastLine(String output) {
        return output.strip().lines().reduce((first, second) -> second).orElse("");
    }
}
