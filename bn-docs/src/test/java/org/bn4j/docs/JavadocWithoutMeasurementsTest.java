package org.bn4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Javadoc states contracts; measurements and their history go to docs/performance.md's design decisions, where the
 * docs checks hold them to the files that measured them. So the Javadoc of every module's main sources refuses what
 * reads as a measurement: a sub-second time ({@code 0.1 ms}), a ratio ({@code 1.4x}, {@code 2 times as slow}), a
 * throughput ({@code GB/s}), a percentage of speed, and the provenance tags of one ({@code (probe, JDK 17)},
 * {@code (JMH, ...)}).
 */
class JavadocWithoutMeasurementsTest {
    static final Pattern MEASURED = Pattern.compile("(?<![\\w.])\\d+(?:[.,]\\d+)*\\s?(?:ns|µs|us|ms)\\b"
            + "|(?<![\\w.])\\d+(?:\\.\\d+)?\\s?x\\b"
            + "|(?<![\\w.])\\d+(?:\\.\\d+)?\\s+times\\s+(?:as\\s+)?(?:fast|slow|faster|slower|long)\\b"
            + "|\\b[GMK]i?B/s\\b"
            + "|(?<![\\w.])\\d+(?:\\.\\d+)?\\s?%\\s+(?:faster|slower|of the time)"
            + "|\\((?:probe|JMH)\\b[^)]*\\)");
    private static final Pattern JAVADOC = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

    @Test
    void noMainSourceJavadocStatesAMeasurement() throws IOException {
        Path root = DocumentationInStepTest.root();
        // Only the modules' main source trees: walking target/ would race with the build writing its reports there.
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
                    .collect(Collectors.toList())) {
                try (Stream<Path> walk = Files.walk(main)) {
                    walk.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        sources.sort(null);
        List<String> problems = new ArrayList<>();
        for (Path source : sources) {
            String text = Files.readString(source, StandardCharsets.UTF_8);
            Matcher javadoc = JAVADOC.matcher(text);
            while (javadoc.find()) {
                Matcher m = MEASURED.matcher(javadoc.group());
                while (m.find()) {
                    int line = (int) text.substring(0, javadoc.start() + m.start()).lines().count();
                    problems.add(root.relativize(source) + ":" + line + ": \"" + m.group() + "\"");
                }
            }
        }
        assertTrue(sources.size() > 50, "only " + sources.size() + " main sources found under " + root);
        assertEquals("", String.join("\n", problems), "measurements in Javadoc: move them to docs/performance.md");
    }

    @ParameterizedTest
    @ValueSource(strings = {"took 0.15 to 7 ms per call", "in 250 µs", "a 1.19x speed-up", "2 times as slow",
            "about 1.4 times as slow", "streams 12 GB/s", "ran 15% faster", "(probe, JDK 17)", "(JMH, NC 256x1024)"})
    void refusesWhatReadsAsAMeasurement(String phrase) {
        assertTrue(MEASURED.matcher(phrase).find(), phrase);
    }

    @ParameterizedTest
    @ValueSource(strings = {"waits 10 minutes by default", "NC 256x1024", "a tolerance of 0x1p-52", "at most 2x2 tiles",
            "C = 1024 channels", "within 1e-5 of the reference", "-XX:PerMethodTrapLimit (100)"})
    void acceptsContracts(String phrase) {
        assertFalse(MEASURED.matcher(phrase).find(), phrase);
    }
}
