package org.bn4j.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.bn4j.examples.Bn4j;
import org.bn4j.examples.data.FashionMnist;
import org.bn4j.examples.nets.InceptionNet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The full command on a slice of Fashion-MNIST: 300 training and 100 test images, a few steps, 2 seeds. */
@Tag("slow")
class PaperScalePipelineTest {
    private static final List<Long> SEEDS = List.of(1502L, 1503L);

    @TempDir
    static Path root;
    private static Path out;

    private static int full(Path dir) {
        return new CommandLine(new Bn4j()).execute("full", "--mlp-steps", "20", "--mlp-eval-every", "10", "--seeds",
                "2",
                "--max-steps", "20", "--eval-every", "5", "--patience", "1", "--width", "0.25", "--train-examples",
                "300",
                "--test-examples", "100", "--parallel", "2", "--no-progress", "--output-dir", dir.toString());
    }

    @BeforeAll
    static void runOnASlice() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "skipped: Fashion-MNIST is not in "
                + FashionMnist.DEBIAN_DIR + " (apt-get install dataset-fashion-mnist)");
        out = root.resolve("first");
        assertEquals(0, full(out));
    }

    private static Map<String, List<String>> rowsByKey(Path csv, int... keyColumns) throws Exception {
        Map<String, List<String>> rows = new HashMap<>();
        List<String> lines = Files.readAllLines(csv);
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = List.of(line.split(","));
            StringBuilder key = new StringBuilder();
            for (int c : keyColumns) {
                key.append(cells.get(c)).append('/');
            }
            rows.put(key.toString(), cells);
        }
        return rows;
    }

    private static double bestOf(Path curve) throws Exception {
        return Files.readAllLines(curve).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).max()
                .orElseThrow();
    }

    @Test
    void theReportStartsWithProvenanceAndShowsEveryFigure() throws Exception {
        String report = Files.readString(out.resolve("report.md"));

        assertTrue(report.startsWith("<!-- written by bn4j full;"), "marked as a program's report for the docs check");
        assertTrue(report.indexOf("- sha256 of ") < report.indexOf("## Figure 1"), "checksums before the results");
        assertTrue(report.indexOf("- wall time of this invocation: ") < report.indexOf("## Figure 1"),
                "wall time before the results");
        for (InceptionNet.Variant v : InceptionNet.FIGURE_3) {
            assertTrue(report.contains("| " + v.name() + " | "), "Figure 3 row " + v.name());
        }
        assertTrue(report.contains("## The paper's claims, checked on these runs"), report);
        for (String png : List.of("mlp-accuracy.png", "mlp-sigmoid-input-without-bn.png",
                "mlp-sigmoid-input-with-bn.png", "inception-accuracy.png")) {
            assertNotNull(ImageIO.read(out.resolve(png).toFile()), png);
            assertTrue(report.contains("](" + png + ")"), "report shows " + png);
        }
    }

    @Test
    void everyRunLeavesItsCurveAndMarker() throws Exception {
        try (Stream<Path> files = Files.list(out.resolve("runs"))) {
            assertEquals(2 + SEEDS.size() * InceptionNet.FIGURE_3.size(),
                    files.filter(f -> f.toString().endsWith(".properties")).count());
        }
    }

    @Test
    void theVariantsTrainAsManyStepsAsTheBaselineOfTheirSeed() throws Exception {
        Map<String, List<String>> runs = rowsByKey(out.resolve("inception-runs.csv"), 0, 1);
        for (long seed : SEEDS) {
            String baselineSteps = runs.get("Inception/" + seed + "/").get(2);
            for (InceptionNet.Variant v : InceptionNet.FIGURE_3) {
                assertEquals(baselineSteps, runs.get(v.name() + "/" + seed + "/").get(2), v.name() + " seed " + seed);
            }
        }
    }

    @Test
    void theSummaryIsTheMeanAndRangeOfThePerSeedCurves() throws Exception {
        Map<String, List<String>> summary = rowsByKey(out.resolve("inception-summary.csv"), 0);
        for (InceptionNet.Variant v : InceptionNet.FIGURE_3) {
            List<Double> best = new ArrayList<>();
            for (long seed : SEEDS) {
                best.add(100 * bestOf(out.resolve("runs/inception-" + v.name() + "-seed" + seed + ".csv")));
            }
            List<String> row = summary.get(v.name() + "/");
            assertEquals(best.stream().mapToDouble(d -> d).average().orElseThrow(), Double.parseDouble(row.get(7)),
                    1e-3, v.name() + " mean");
            assertEquals(best.stream().mapToDouble(d -> d).min().orElseThrow(), Double.parseDouble(row.get(8)), 1e-3,
                    v.name() + " min");
            assertEquals(best.stream().mapToDouble(d -> d).max().orElseThrow(), Double.parseDouble(row.get(9)), 1e-3,
                    v.name() + " max");
        }
    }

    @Test
    void aRerunSkipsFinishedRunsAndReportsWhatTheirFilesSay() throws Exception {
        Path again = root.resolve("again");
        Files.createDirectories(again.resolve("runs"));
        try (Stream<Path> files = Files.list(out.resolve("runs"))) {
            for (Path f : files.toList()) {
                Files.copy(f, again.resolve("runs").resolve(f.getFileName()));
            }
        }
        Path curve = again.resolve("runs/inception-BN-x30-seed1503.csv");
        List<String> lines = new ArrayList<>(Files.readAllLines(curve));
        lines.set(1, lines.get(1).split(",")[0] + ",0.999000");
        Files.write(curve, lines);
        Path marker = again.resolve("runs/inception-BN-x30-seed1503.properties");
        String markerBefore = Files.readString(marker);

        assertEquals(0, full(again));

        assertEquals(markerBefore, Files.readString(marker), "the finished run was not run again");
        assertEquals(lines, Files.readAllLines(curve), "its curve was not rewritten");
        assertEquals(99.9,
                Double.parseDouble(rowsByKey(again.resolve("inception-summary.csv"), 0).get("BN-x30/").get(9)), 1e-6);
    }
}
