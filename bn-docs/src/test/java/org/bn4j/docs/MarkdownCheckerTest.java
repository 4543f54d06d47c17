package org.bn4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the documentation check accepts and refuses, on small pages written here. */
@DisplayName("The Markdown check")
class MarkdownCheckerTest {
    private static final String SOURCE = String.join("\n",
            "class Example {",
            "    void run() {",
            "        // tag::hello[]",
            "        greet(\"world\");",
            "        // tag::inner[]",
            "        wave();",
            "        // end::inner[]",
            "        // end::hello[]",
            "    }",
            "}");

    @TempDir
    Path root;

    private List<String> check(String... page) throws IOException {
        Files.writeString(root.resolve("Example.java"), SOURCE);
        Files.writeString(root.resolve("page.md"), String.join("\n", page));
        return new MarkdownChecker(root).check(Path.of("page.md"));
    }

    @Test
    @DisplayName("accepts a block equal to its tagged region, dedented and without nested tag lines")
    void acceptsABlockEqualToItsRegion() throws IOException {
        assertEquals(List.of(), check("<!-- snippet: Example.java#hello -->", "", "```java", "greet(\"world\");",
                "wave();", "```"));
    }

    @Test
    @DisplayName("refuses a block that differs from its region, naming the page line and both texts")
    void refusesADifferingBlock() throws IOException {
        List<String> problems = check("text", "<!-- snippet: Example.java#hello -->", "```java", "greet(\"moon\");",
                "wave();", "```");

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("page.md:3: line 1 of the block differs"), problems.get(0));
        assertTrue(problems.get(0).contains("greet(\"moon\")") && problems.get(0).contains("greet(\"world\")"));
    }

    @Test
    @DisplayName("refuses a block with a line missing at the end")
    void refusesATruncatedBlock() throws IOException {
        assertEquals(1, check("<!-- snippet: Example.java#hello -->", "```java", "greet(\"world\");", "```").size());
    }

    @Test
    @DisplayName("refuses a java block without a marker, and accepts other languages without one")
    void refusesAnUnmarkedJavaBlock() throws IOException {
        List<String> problems = check("```bash", "mvn verify", "```", "", "```java", "int x = 1;", "```");

        assertEquals(List.of("page.md:5: java code block without a <!-- snippet: path#tag --> marker before it"),
                problems);
    }

    @Test
    @DisplayName("refuses a marker whose file or tag does not exist, or that no code block follows")
    void refusesDanglingMarkers() throws IOException {
        assertTrue(check("<!-- snippet: Missing.java#hello -->", "```java", "x", "```").get(0)
                .endsWith("snippet source Missing.java does not exist"));
        assertTrue(check("<!-- snippet: Example.java#bye -->", "```java", "x", "```").get(0)
                .endsWith("no region between tag::bye[] and end::bye[]"));
        assertEquals(List.of("page.md:1: snippet marker is not followed by a code block"),
                check("<!-- snippet: Example.java#hello -->", "some prose", "```text", "x", "```"));
    }

    @Test
    @DisplayName("accepts a generated region equal to its file, and refuses a retyped number")
    void checksGeneratedRegions() throws IOException {
        Files.writeString(root.resolve("result.md"), "| pass | ms |\n| forward | 4.83 |\n");

        assertEquals(List.of(), check("<!-- generated: result.md -->", "| pass | ms |", "| forward | 4.83 |",
                "<!-- end generated -->"));
        List<String> retyped = check("<!-- generated: result.md -->", "| pass | ms |", "| forward | 5.24 |",
                "<!-- end generated -->");
        assertEquals(1, retyped.size());
        assertTrue(retyped.get(0).contains("line 2 of the block differs"), retyped.get(0));
    }

    @Test
    @DisplayName("takes a marker indented as a code block for an example, not a marker")
    void ignoresIndentedExamples() throws IOException {
        assertEquals(List.of(), check("    <!-- snippet: Missing.java#hello -->", "    ```java", "    x", "    ```"));
    }

    @Test
    @DisplayName("refuses a measured time or speed-up in prose, and accepts one in a code block or generated region")
    void refusesMeasuredNumbersInProse() throws IOException {
        Files.writeString(root.resolve("result.md"), "forward: 4.83 ms\n");

        assertEquals(List.of("page.md:1: \"4.83 ms\" looks measured; paste it from a generated file "
                + "(<!-- generated: path -->) or link to that file"), check("The forward pass takes 4.83 ms."));
        assertEquals(1, check("| network | 1.19x |").size());
        assertEquals(1, check("the benchmarks take about 20 minutes").size());
        assertEquals(List.of(), check("eps 1e-5, 28x28 images, 5,000 steps, version 0.1.0, 2 cores, 3x3 kernels",
                "quoted as inline code: `4.83 ms`", "```bash", "time: 4.83 ms", "```", "<!-- generated: result.md -->",
                "forward: 4.83 ms",
                "<!-- end generated -->"));
    }

    @Test
    @DisplayName("reads README.md, CONTRIBUTING.md and every page under docs/, nested folders included")
    void findsEveryPage() throws IOException {
        Files.writeString(root.resolve("README.md"), "");
        Files.createDirectories(root.resolve("docs/experiments"));
        Files.writeString(root.resolve("docs/guide.md"), "");
        Files.writeString(root.resolve("docs/experiments/mnist.md"), "");
        Files.writeString(root.resolve("docs/notes.txt"), "");

        assertEquals(List.of(Path.of("README.md"), Path.of("docs/experiments/mnist.md"), Path.of("docs/guide.md")),
                new MarkdownChecker(root).pages());
    }

    @Test
    @DisplayName("accepts measured numbers in the paragraph after a quoted marker when its file holds each of them")
    void acceptsNumbersQuotedFromARunsOutput() throws IOException {
        Files.writeString(root.resolve("report.md"), "| wall time | 5012 s |\n| speed-up | 1.19x |");

        assertEquals(List.of(), check("<!-- quoted: report.md -->", "The full run took 5012 s,", "a 1.19x speed-up."));
        assertEquals(List.of("page.md:2: \"4000 s\" is not in report.md, which it quotes"),
                check("<!-- quoted: report.md -->", "The full run took 4000 s."));
        assertEquals(1, check("<!-- quoted: report.md -->", "The full run took 5012 s.", "", "Later: 5012 s.").size(),
                "a quote covers one paragraph");
    }

    @Test
    @DisplayName("leaves the measurements of a page that a program wrote, and still checks its regions")
    void acceptsMeasurementsOnAProgramsOwnReport() throws IOException {
        assertEquals(List.of(), check("<!-- written by bn4j full -->", "| wall time | 5012 s |"));
        assertEquals(1, check("<!-- written by bn4j full -->", "```java", "int x = 1;", "```").size());
        assertEquals(1, check("", "<!-- written by bn4j full -->", "| wall time | 5012 s |").size(),
                "only as the first line");
    }

    @Test
    @DisplayName("in a quoted paragraph, refuses a result that its file does not hold")
    void refusesAResultMissingFromTheQuotedFile() throws IOException {
        Files.writeString(root.resolve("report.md"), "| BN-x5 | 83.85% | 2,417 | 0.05 |");

        assertEquals(List.of(), check("<!-- quoted: report.md -->", "BN-x5 reached 83.85% after 2,417 steps at 0.05."));
        assertEquals(List.of("page.md:2: \"83.86%\" is not in report.md, which it quotes",
                "page.md:2: \"2,418\" is not in report.md, which it quotes"),
                check("<!-- quoted: report.md -->", "BN-x5 reached 83.86% after 2,418 steps, 5 seeds."));
    }
}
