package org.bn4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every subcommand runs end to end in a tiny configuration and writes a report, decodable plots and full CSV. */
class CommandsTest {
    private static int run(String... args) {
        return new CommandLine(new Bn4j()).execute(args);
    }

    private static void assertPng(Path file) throws Exception {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not a decodable image");
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file);
    }

    @Test
    void mnistWritesItsReportPlotsAndCurves(@TempDir Path out) throws Exception {
        assertEquals(0,
                run("mnist", "--steps", "40", "--eval-every", "20", "--no-progress", "--output-dir", out.toString()));

        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## MNIST (paper section 4.1)"), report);
        assertTrue(report.matches("(?s).*\\| with BN \\| 0\\.5 \\| - \\| - \\| - \\| \\d+\\.\\d\\d% \\|.*"),
                "table row with a measured accuracy");
        for (String png : List.of("mnist-accuracy.png", "mnist-high-lr.png", "mnist-sigmoid-input-without-bn.png",
                "mnist-sigmoid-input-with-bn.png")) {
            assertPng(out.resolve(png));
            assertTrue(report.contains("](" + png + ")"), "report shows " + png);
        }
        // 4 runs x 2 measurements, and 2 monitored runs x (initial + 2) records, plus headers
        assertEquals(1 + 4 * 2, lines(out.resolve("mnist-accuracy.csv")).size());
        assertEquals(1 + 2 * 3, lines(out.resolve("mnist-sigmoid-input.csv")).size());
        assertTrue(lines(out.resolve("mnist-accuracy.csv")).get(1).matches("without BN,20,0\\.\\d+"));
    }

    @Test
    void inceptionWritesAllFiveVariants(@TempDir Path out) throws Exception {
        assertEquals(0,
                run("inception", "--steps", "4", "--eval-every", "2", "--image-size", "8", "--train-examples", "64",
                        "--test-examples", "32", "--no-progress", "--output-dir", out.toString()));

        String report = Files.readString(out.resolve("report.md"));
        for (String variant : List.of("| Inception |", "| BN-Baseline |", "| BN-x5 |", "| BN-x30 |",
                "| BN-x5-Sigmoid |")) {
            assertTrue(report.contains(variant), "table row " + variant);
        }
        assertPng(out.resolve("inception-accuracy.png"));
        assertEquals(1 + 5 * 2, lines(out.resolve("inception-accuracy.csv")).size());
    }

    @Test
    void speedComparesBothImplementationsInOneRun(@TempDir Path out) throws Exception {
        assertEquals(0,
                run("speed", "--steps", "2", "--warmup", "1", "--image-size", "8", "--output-dir", out.toString()));

        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.matches(
                "(?s).*\\| bn4j BatchNorm \\| \\d+\\.\\d \\|.*\\| DL4J BatchNormalization \\| \\d+\\.\\d \\|.*"),
                report);
        assertTrue(report.matches("(?s).*Speed-up of the whole step with bn4j: \\d+\\.\\d\\dx\\..*"), report);
    }

    /** Reproducibility trains the MNIST networks end to end twice, for seconds: in the slow set. */
    @Nested
    @Tag("slow")
    class Reproducibility {
        @Test
        void theSameSeedGivesTheSameNumbers(@TempDir Path out) throws Exception {
            Path first = out.resolve("first");
            Path second = out.resolve("second");
            assertEquals(0, run("mnist", "--steps", "30", "--eval-every", "10", "--no-progress", "--output-dir",
                    first.toString()));
            assertEquals(0, run("mnist", "--steps", "30", "--eval-every", "10", "--no-progress", "--output-dir",
                    second.toString()));

            assertEquals(lines(first.resolve("mnist-accuracy.csv")), lines(second.resolve("mnist-accuracy.csv")));
            assertEquals(lines(first.resolve("mnist-sigmoid-input.csv")),
                    lines(second.resolve("mnist-sigmoid-input.csv")));
        }
    }

    @Test
    void dataDirWithoutASubcommandIsRejectedWithAReason(@TempDir Path out) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Bn4j()).setErr(new PrintWriter(err));

        int code = cli.execute("--data-dir", out.toString(), "--output-dir", out.toString());

        assertEquals(2, code);
        assertTrue(err.toString().contains("--data-dir names one data set"), err.toString());
    }

    @Test
    void missingMnistFilesAreNamed(@TempDir Path out) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Bn4j()).setErr(new PrintWriter(err));

        int code = cli.execute("mnist", "--data-dir", out.toString(), "--output-dir", out.toString());

        assertEquals(1, code);
        assertTrue(err.toString().contains("has no train-images-idx3-ubyte"), err.toString());
    }
}
