package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built command line runs without Maven: {@code target/bn4j/bin/bn4j} with the Vector API on, and
 * {@code java -jar target/bn4j/lib/bn4j.jar}. Each case starts a new JVM, as a user's shell would.
 */
class LauncherIT {
    private static final Path HOME = Path.of(System.getProperty("bn4j.home", "target/bn4j"));

    @TempDir
    Path dir;

    /** What one process printed and returned. */
    private record Outcome(int status, String out, String err) {
    }

    private Outcome start(List<String> command) throws IOException, InterruptedException {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("JAVA_OPTS");
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("still running after 5 minutes: " + command);
        }
        return new Outcome(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Outcome launcher(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/bn4j").toString()));
        command.addAll(List.of(args));
        return start(command);
    }

    @Test
    void launcherRunsWithTheVectorApi() throws Exception {
        Outcome o = launcher("--version");

        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().matches(
                "(?s)bn4j \\S+, commit \\S+\nDL4J \\S+, ND4J \\S+ \\(nd4j-native\\)\nJava \\S+, Vector API on\n"),
                o.out());
    }

    @Test
    void jarRunsWithJavaDashJarAndSaysHowToTurnOnTheVectorApi() throws Exception {
        Outcome o = start(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                HOME.resolve("lib/bn4j.jar").toString(), "--version"));

        assertEquals(0, o.status(), o.err());
        assertTrue(o.out().endsWith("Vector API off (start Java with --add-modules jdk.incubator.vector)\n"), o.out());
    }

    @Test
    void badOptionExitsWithTwoAndNoStackTrace() throws Exception {
        Outcome o = launcher("mnist", "--steps", "-5");

        assertAll(() -> assertEquals(2, o.status()),
                () -> assertTrue(o.err()
                        .contains("Invalid value for option '--steps': -5 is not a whole number of at least 1\n"
                                + "Usage: bn4j mnist ["),
                        o.err()),
                () -> assertFalse(o.err().contains("\tat "), o.err()));
    }

    @Test
    void launcherWritesAReportThatRecordsTheVectorApi() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        TinyMnist.write(data);
        Path report = dir.resolve("out");

        Outcome o = launcher("--no-progress", "--data-dir", data.toString(), "--output-dir", report.toString(),
                "mnist", "--steps", "4", "--eval-every", "2");

        assertEquals(0, o.status(), o.err());
        String text = Files.readString(report.resolve("report.md"));
        assertAll(() -> assertTrue(text.contains("\n- Vector API: on\n"), text),
                () -> assertTrue(text.contains("Data: MNIST from " + data + "."), text));
    }
}
