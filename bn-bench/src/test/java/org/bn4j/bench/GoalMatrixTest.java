package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bn4j.bench.BenchmarkMain.Timings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The goal matrix judges each run's goals as its own report does, one column per run. */
class GoalMatrixTest {
    private static final String SHAPE = "NCHW:32,64,56,56";

    @Test
    void eachRunIsAColumnOfItsMeasuredRatiosAndWhetherTheyMeetTheGoal() {
        Timings fast = new Timings();
        fast.add("forwardBackward|shape=" + SHAPE + "|impl=bn4j", 9);
        fast.add("forwardBackward|shape=" + SHAPE + "|impl=pytorch", 10);
        Timings slow = new Timings();
        slow.add("forwardBackward|shape=" + SHAPE + "|impl=bn4j", 19);
        slow.add("forwardBackward|shape=" + SHAPE + "|impl=pytorch", 10);

        String md = GoalMatrix.markdown(List.of("flag", "no flag", "not yet"),
                List.of(GoalMatrix.report(fast), GoalMatrix.report(slow), GoalMatrix.report(new Timings())));

        assertTrue(md.contains("| forward + backward, bn4j / PyTorch | " + SHAPE
                + " | at most 1.00 | 0.90, yes | 1.90, no | - |"), md);
    }

    @Test
    void allocationAndOneJvmGoalsAreCountedOverTheShapesAndPassesMeasured() {
        Timings t = new Timings();
        t.add("alloc|forwardBackward|shape=" + SHAPE + "|impl=bn4j", 48);
        t.add("alloc|inference|shape=" + SHAPE + "|impl=bn4j", 900);
        t.add("network|inference|shape=" + SHAPE, 1.1);
        t.add("inference|shape=" + SHAPE + "|impl=bn4j", 1.0);

        String md = GoalMatrix.markdown(List.of("run"), List.of(GoalMatrix.report(t)));

        assertTrue(md.contains("| heap allocation per call, bn4j's layer: shapes and passes within | every | at most "
                + "64 bytes | 1 of 2 |"), md);
        assertTrue(md.contains("| heap allocation per call, bn-core alone: shapes and passes within | every | at most "
                + "64 bytes | - |"), md);
        assertTrue(md.contains("| every shape in one JVM / its fresh fork: shapes and passes within | every | at most "
                + "1.20 | 1 of 1 |"), md);
    }

    @Test
    void timingsReadBackAsTheRunWroteThem(@TempDir Path dir) throws IOException {
        Timings t = new Timings();
        t.add("forwardBackward|shape=" + SHAPE + "|impl=bn4j", 9.5);
        t.add("forwardBackward|shape=" + SHAPE + "|impl=bn4j", 8.25);
        Path csv = dir.resolve("benchmarks.csv");
        Files.writeString(csv, t.csv());

        Timings read = Timings.read(csv);

        assertEquals(List.of(8.25, 9.5), List.of(read.of("forwardBackward|shape=" + SHAPE + "|impl=bn4j")[0],
                read.of("forwardBackward|shape=" + SHAPE + "|impl=bn4j")[1]));
        assertEquals(0, Timings.read(dir.resolve("absent.csv")).of("anything").length);
    }
}
